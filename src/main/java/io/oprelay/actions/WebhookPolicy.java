package io.oprelay.actions;

import io.oprelay.routing.spi.Delivery;
import io.oprelay.routing.spi.RuleException;
import jakarta.inject.Singleton;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Which webhook URLs rules may use: http(s) only (https unless {@code relay.actions.require-https=false}), a host on
 * {@code relay.actions.webhook-allow-list}, and a signing secret configured so every call can be verified.
 */
@Singleton
public class WebhookPolicy {

    static final String ALLOW_LIST = "relay.actions.webhook-allow-list";
    static final String SECRET = "relay.actions.signing-secret";

    private final List<String> allowList;
    private final boolean requireHttps;
    private final boolean secretPresent;

    public WebhookPolicy(ActionsConfig config) {
        this.allowList = config.webhookAllowList().orElse(List.of()).stream()
                .map(entry -> entry.trim().toLowerCase(Locale.ROOT)).filter(entry -> !entry.isEmpty()).toList();
        this.requireHttps = config.requireHttps();
        this.secretPresent = config.signingSecret().filter(secret -> !secret.isBlank()).isPresent();
    }

    /**
     * The URL as a URI when rules may call it; otherwise a {@link RuleException} naming the field and the fix. The
     * message shows at most {@code scheme://host[:port]}: the path and query of a webhook URL often hold its token,
     * and start-up errors end up in logs.
     */
    public URI check(String field, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new RuleException(field, "is not a valid URL: " + e.getReason().toLowerCase(Locale.ROOT)
                    + " at index " + e.getIndex());
        }
        String shown = uri.getHost() == null ? "the URL" : "'" + Delivery.endpointOf(uri) + "'";
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && !requireHttps)) {
            throw new RuleException(field, shown + " must be an https URL"
                    + (scheme.equals("http") ? " (plain http only with relay.actions.require-https=false)" : ""));
        }
        if (uri.getHost() == null) {
            throw new RuleException(field, "the URL has no host");
        }
        if (!allowed(uri)) {
            throw new RuleException(field, "host '" + hostAndPort(uri) + "' is not on " + ALLOW_LIST
                    + (allowList.isEmpty() ? " (empty: no webhook is allowed)" : " " + allowList));
        }
        if (!secretPresent) {
            throw new RuleException(field, "webhooks are signed: set " + SECRET + " (env RELAY_ACTIONS_SIGNING_SECRET)");
        }
        return uri;
    }

    boolean allowed(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        String hostPort = hostAndPort(uri);
        for (String entry : allowList) {
            if (entry.startsWith("*.")) {
                if (host.endsWith(entry.substring(1))) {
                    return true;
                }
            } else if (entry.equals(host) || entry.equals(hostPort)) {
                return true;
            }
        }
        return false;
    }

    private static String hostAndPort(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return uri.getPort() < 0 ? host : host + ":" + uri.getPort();
    }
}
