package io.oprelay.webhook;

import io.oprelay.api.Problem;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.net.URI;
import java.util.Optional;

/**
 * Decides whether a webhook request is signed by Twilio for the URL it was sent to, from its headers and URL alone.
 * The URL is {@code relay.webhook.public-base-url} followed by the request's path and raw query; without that
 * setting it is the request's URL as Quarkus resolves it, which follows {@code X-Forwarded-*} only when
 * {@code quarkus.http.proxy.proxy-address-forwarding} is on and otherwise takes the client's {@code Host} header.
 */
@ApplicationScoped
public class WebhookVerifier {

    static final String SIGNATURE_HEADER = "X-Twilio-Signature";
    static final String BODY_HASH_PARAMETER = "bodySHA256";
    static final String FORBIDDEN_DETAIL = "the request is not signed by Twilio for this URL";
    private static final Logger LOG = Logger.getLogger(WebhookVerifier.class);

    private final WebhookConfig config;
    private final WebhookMetrics metrics;
    private final TwilioSignature signature;
    private final Optional<String> publicBaseUrl;
    private final boolean proxyForwarding;

    public WebhookVerifier(WebhookConfig config, WebhookMetrics metrics,
                           @ConfigProperty(name = "quarkus.http.proxy.proxy-address-forwarding", defaultValue = "false")
                           boolean proxyForwarding) {
        this.config = config;
        this.metrics = metrics;
        this.signature = config.authToken().filter(token -> !token.isBlank()).map(TwilioSignature::new).orElse(null);
        this.publicBaseUrl = config.publicBaseUrl().filter(base -> !base.isBlank())
                .map(base -> base.replaceAll("/+$", ""));
        this.proxyForwarding = proxyForwarding;
    }

    /**
     * In production, a webhook that can be verified only against the client's own {@code Host} header is worth a
     * warning: see docs/webhook-and-admin.md for why this warns rather than stops the relay.
     */
    void onStart(@Observes StartupEvent event) {
        if (LaunchMode.current() == LaunchMode.NORMAL && config.enabled() && signature != null
                && publicBaseUrl.isEmpty() && !proxyForwarding) {
            LOG.warn("relay.webhook.public-base-url (env RELAY_WEBHOOK_PUBLIC_BASE_URL) is not set and"
                    + " quarkus.http.proxy.proxy-address-forwarding is off: webhook signatures are checked against"
                    + " the URL built from the client's own Host header, and behind a TLS ingress every genuine"
                    + " webhook is refused; set it to the scheme://host[:port][/prefix] written in the Twilio rule");
        }
    }

    /**
     * Why the request is refused before its body is read, or empty when its signature verifies: 404 when the
     * receiver is off, 503 without an auth token, 403 without a well-formed {@code bodySHA256} or a signature over
     * the URL (in any of its default-port forms).
     */
    public Optional<Response> refusal(String signatureHeader, URI requestUri, String bodyHash) {
        if (!config.enabled()) {
            return Optional.of(Problem.response(Response.Status.NOT_FOUND, "the webhook receiver is disabled"
                    + " (relay.webhook.enabled=false)"));
        }
        if (signature == null) {
            metrics.request("not_configured");
            return Optional.of(Problem.response(Response.Status.SERVICE_UNAVAILABLE, "relay.webhook.auth-token (env"
                    + " RELAY_WEBHOOK_AUTH_TOKEN) is not set, so no webhook signature can be checked and none is"
                    + " accepted; set it to the Twilio Auth Token of the account"));
        }
        if (!TwilioSignature.wellFormedHash(bodyHash) || !signature.signsAnyForm(signatureHeader, signedUrl(requestUri))) {
            return Optional.of(rejected(requestUri));
        }
        return Optional.empty();
    }

    /** The 403 answer (counted), also used when the body read afterwards is not the one that was signed. */
    Response rejected(URI requestUri) {
        metrics.request("rejected");
        LOG.debugf("webhook rejected: signature or body hash does not verify for %s", requestUri.getRawPath());
        return Problem.response(Response.Status.FORBIDDEN, FORBIDDEN_DETAIL);
    }

    /** The URL Twilio signed: the public base (or the request's own scheme and host), the path and the raw query. */
    String signedUrl(URI request) {
        String query = request.getRawQuery() == null ? "" : "?" + request.getRawQuery();
        return publicBaseUrl.map(base -> base + request.getRawPath() + query).orElseGet(request::toString);
    }
}
