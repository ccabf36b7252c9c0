package io.oprelay.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.oprelay.api.Problem;
import io.oprelay.poller.PollerService;
import io.oprelay.poller.PushQueueFullException;
import io.oprelay.publisher.PublishFailedException;
import io.oprelay.twilio.OperatorResultParser;
import io.oprelay.twilio.RawResult;
import io.oprelay.twilio.RuleExecution;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Receives Twilio Rule Execution webhooks: once {@link WebhookSignatureFilter} has checked the signature over the
 * URL (before the body is read), reads the body up to the size limit, checks that it is the one {@code bodySHA256}
 * names, then hands the results to the feeds that select them and answers once their transaction committed. Twilio retries what is not answered 2xx.
 */
@Path(RuleExecutionResource.PATH)
public class RuleExecutionResource {

    static final String PATH = "/webhooks/twilio/rule-execution";
    static final String SERVER_TIMING = "Server-Timing";
    private static final Logger LOG = Logger.getLogger(RuleExecutionResource.class);
    private static final String RETRY_AFTER_SECONDS = "5";

    /**
     * The answer to Twilio.
     *
     * @param published        results this webhook published
     * @param alreadyPublished results published before, by the poller or an earlier delivery
     * @param deferred         results whose feed runs on another replica; its poller publishes them
     * @param unselected       results no configured feed selects
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Answer(int published, Integer alreadyPublished, Integer deferred, Integer unselected) {
    }

    private final WebhookConfig config;
    private final PollerService poller;
    private final WebhookMetrics metrics;
    private final WebhookVerifier verifier;
    private final OperatorResultParser parser = new OperatorResultParser();

    public RuleExecutionResource(WebhookConfig config, PollerService poller, WebhookMetrics metrics,
                                 WebhookVerifier verifier) {
        this.config = config;
        this.poller = poller;
        this.metrics = metrics;
        this.verifier = verifier;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Twilio Rule Execution webhook (signed with X-Twilio-Signature); publishes its results")
    @TwilioSigned
    public Response receive(InputStream input, @Context HttpHeaders headers, @Context UriInfo uri) {
        long received = System.nanoTime();
        long limit = config.maxBodySize().asLongValue();
        byte[] body;
        try {
            body = read(input, headers, limit);
        } catch (IOException e) {
            metrics.request("malformed");
            return Problem.response(Response.Status.BAD_REQUEST, "the body could not be read");
        }
        if (body == null) {
            metrics.request("too_large");
            return Problem.response(413, "Content Too Large", "the body is larger than relay.webhook.max-body-size ("
                    + limit + " bytes)");
        }
        if (!TwilioSignature.hashes(uri.getQueryParameters().getFirst(WebhookVerifier.BODY_HASH_PARAMETER), body)) {
            return verifier.rejected(uri.getRequestUri());
        }
        RuleExecution execution;
        try {
            execution = parser.parseRuleExecution(body);
        } catch (OperatorResultParser.MalformedAnswerException e) {
            metrics.request("malformed");
            return Problem.response(Response.Status.BAD_REQUEST, "not a Rule Execution payload: " + e.getMessage()
                    + "; expected {accountId, conversationId, intelligenceConfiguration, operatorResults: [...]}");
        }
        for (RawResult result : execution.operatorResults()) {
            if (result.id() == null) {
                metrics.request("malformed");
                return Problem.response(Response.Status.BAD_REQUEST, "an element of operatorResults has no id");
            }
        }
        PollerService.PushResult pushed;
        try {
            pushed = poller.push(execution.operatorResults(), config.commitTimeout(), config.maxQueuedResults());
        } catch (PushQueueFullException e) {
            metrics.request("queue_full");
            LOG.debugf("webhook: results of conversation %s refused: %s", execution.conversationId(), e.getMessage());
            return Response.fromResponse(Problem.response(Response.Status.SERVICE_UNAVAILABLE, "too many webhook"
                    + " results are waiting to be published; retry later (the poller publishes them in any case)"))
                    .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS).build();
        } catch (PublishFailedException e) {
            metrics.request("unavailable");
            LOG.warnf("webhook: results of conversation %s not published now (%s); Twilio may retry, the poller"
                    + " publishes them anyway", execution.conversationId(), e.getMessage());
            return Response.fromResponse(Problem.response(Response.Status.SERVICE_UNAVAILABLE, "the results could not"
                    + " be published to Kafka now; retry later (the poller publishes them once Kafka is back)"))
                    .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS).build();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - received);
        int handled = pushed.published() + pushed.alreadyPublished();
        Integer unselected = pushed.unselected() > 0 ? pushed.unselected() : null;
        if (handled == 0 && pushed.deferred() > 0) {
            metrics.request("deferred");
            return Response.accepted(new Answer(0, null, pushed.deferred(), unselected)).build();
        }
        metrics.request("published");
        metrics.committed(took);
        return Response.ok(new Answer(pushed.published(), pushed.alreadyPublished(),
                        pushed.deferred() > 0 ? pushed.deferred() : null, unselected))
                .header(SERVER_TIMING, String.format(Locale.ROOT, "commit;dur=%.3f", took.toNanos() / 1e6))
                .build();
    }

    /** The body, or null when it is larger than {@code limit}. */
    private static byte[] read(InputStream input, HttpHeaders headers, long limit) throws IOException {
        String declared = headers.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > limit) {
                    return null;
                }
            } catch (NumberFormatException ignored) {
                // the stream's length decides below
            }
        }
        if (input == null) {
            return new byte[0];
        }
        byte[] body = input.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        return body.length > limit ? null : body;
    }
}
