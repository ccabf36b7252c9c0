package io.oprelay.webhook;

import jakarta.inject.Singleton;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Optional;

/**
 * Checks a Twilio webhook's signature before its body is read: RESTEasy Reactive runs request filters that do not
 * ask for the body ahead of the handler that reads it, so a request without a valid {@code X-Twilio-Signature} over
 * its URL (which carries {@code bodySHA256}) is answered 403 while its body is still unread, however large it claims
 * to be. The resource then checks that the body it reads is the one {@code bodySHA256} names.
 */
@Singleton
public class WebhookSignatureFilter {

    private final WebhookVerifier verifier;

    public WebhookSignatureFilter(WebhookVerifier verifier) {
        this.verifier = verifier;
    }

    @TwilioSigned
    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Optional<Response> verify(ContainerRequestContext request) {
        return verifier.refusal(request.getHeaderString(WebhookVerifier.SIGNATURE_HEADER),
                request.getUriInfo().getRequestUri(),
                request.getUriInfo().getQueryParameters().getFirst(WebhookVerifier.BODY_HASH_PARAMETER));
    }
}
