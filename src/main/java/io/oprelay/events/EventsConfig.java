package io.oprelay.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The event contract as subscribers see it. */
@ConfigMapping(prefix = "relay.events")
public interface EventsConfig {

    /**
     * Absolute http(s) URI ending in {@code /} that every {@code ce_dataschema} starts with: the header is this base
     * plus the schema's file name ({@code <ce_type>.json}), the same name the relay serves under {@code /schemas/} and
     * the build publishes under {@code target/contract/schemas/}. The default is an identifier that stays the same in
     * every deployment; set it to {@code https://<relay host>/schemas/} to make the URIs resolvable.
     */
    @WithDefault(EventSchemas.DEFAULT_BASE)
    String schemaBaseUrl();
}
