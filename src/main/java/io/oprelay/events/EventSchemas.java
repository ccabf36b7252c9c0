package io.oprelay.events;

import io.oprelay.twilio.OutputFormat;
import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The absolute {@code ce_dataschema} URIs of the events the relay writes. A schema's URI is the configured base plus
 * its file name, {@code <ce_type>.json} (deletion events share the schema of their format's created events, and all
 * claim-checks share one); the files themselves carry the default base in their {@code $id}, which
 * {@link ContractDocuments} rewrites when the relay serves them under another base.
 */
@Startup
@Singleton
public class EventSchemas {

    /** The default base: a stable identifier, the same in every deployment (CloudEvents asks for an absolute URI). */
    public static final String DEFAULT_BASE = "https://schemas.oprelay.io/";
    /** File name of the claim-check schema, shared by the claim-checks of every format. */
    public static final String OVERSIZE_FILE = "io.oprelay.operatorresult.oversize.v1.json";

    private final String base;

    @Inject
    public EventSchemas(EventsConfig config) {
        this(config.schemaBaseUrl());
    }

    /** Schemas under this base; fails on a base that is not an absolute http(s) URI ending in {@code /}. */
    public EventSchemas(String base) {
        this.base = checked(base);
    }

    /** Schemas under the default base. */
    public static EventSchemas defaults() {
        return new EventSchemas(DEFAULT_BASE);
    }

    /** The configured base, for example {@code https://schemas.oprelay.io/}. */
    public String base() {
        return base;
    }

    /** The schema of the events of this type (a file named {@code <type>.json} under the base). */
    public String ofType(String eventType) {
        return base + fileOf(eventType);
    }

    /** The schema of the created and the deleted events of a format. */
    public String ofFormat(OutputFormat format) {
        return ofType(CloudEventHeaders.typeOf(format));
    }

    /** The schema of every claim-check. */
    public String oversize() {
        return base + OVERSIZE_FILE;
    }

    /** The file name of an event type's schema. */
    public static String fileOf(String eventType) {
        return eventType + ".json";
    }

    private static String checked(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("relay.events.schema-base-url is not a URI: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || uri.getQuery() != null
                || uri.getFragment() != null || !value.endsWith("/")) {
            throw new IllegalArgumentException("relay.events.schema-base-url must be an absolute http(s) URI without"
                    + " query or fragment that ends with '/', for example " + DEFAULT_BASE + "; it was '" + value
                    + "'");
        }
        return value;
    }
}
