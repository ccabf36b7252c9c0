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
        try {
            RuleExecution execution = parse(verifiedBody(input, headers, uri));
            return answer(push(execution), Duration.ofNanos(System.nanoTime() - received));
        } catch (Refused refused) {
            return refused.response;
        }
    }

    /** The body, read within the size limit and matching the signed {@code bodySHA256}. */
    private byte[] verifiedBody(InputStream input, HttpHeaders headers, UriInfo uri) throws Refused {
        long limit = config.maxBodySize().asLongValue();
        byte[] body;
        try {
            body = read(input, headers, limit);
        } catch (IOException e) {
            throw refused("malformed", Problem.response(Response.Status.BAD_REQUEST, "the body could not be read"));
        }
        if (body == null) {
            throw refused("too_large", Problem.response(413, "Content Too Large",
                    "the body is larger than relay.webhook.max-body-size (" + limit + " bytes)"));
        }
        if (!TwilioSignature.hashes(uri.getQueryParameters().getFirst(WebhookVerifier.BODY_HASH_PARAMETER), body)) {
            throw new Refused(verifier.rejected(uri.getRequestUri()));
        }
        return body;
    }

    /** The Rule Execution payload, every result of which has an id. */
    private RuleExecution parse(byte[] body) throws Refused {
        RuleExecution execution;
        try {
            execution = parser.parseRuleExecution(body);
        } catch (OperatorResultParser.MalformedAnswerException e) {
            throw refused("malformed", Problem.response(Response.Status.BAD_REQUEST, "not a Rule Execution payload: "
                    + e.getMessage()
                    + "; expected {accountId, conversationId, intelligenceConfiguration, operatorResults: [...]}"));
        }
        for (RawResult result : execution.operatorResults()) {
            if (result.id() == null) {
                throw refused("malformed", Problem.response(Response.Status.BAD_REQUEST,
                        "an element of operatorResults has no id"));
            }
        }
        return execution;
    }

    /** Hands the results to the owning feed loop and waits for their transaction. */
    private PollerService.PushResult push(RuleExecution execution) throws Refused {
        try {
            return poller.push(execution.operatorResults(), config.commitTimeout(), config.maxQueuedResults());
        } catch (PushQueueFullException e) {
            LOG.debugf("webhook: results of conversation %s refused: %s", execution.conversationId(), e.getMessage());
            throw refused("queue_full", retryLater("too many webhook results are waiting to be published; retry"
                    + " later (the poller publishes them in any case)"));
        } catch (PublishFailedException e) {
            LOG.warnf("webhook: results of conversation %s not published now (%s); Twilio may retry, the poller"
                    + " publishes them anyway", execution.conversationId(), e.getMessage());
            throw refused("unavailable", retryLater("the results could not be published to Kafka now; retry later"
                    + " (the poller publishes them once Kafka is back)"));
        }
    }

    private Response answer(PollerService.PushResult pushed, Duration took) {
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

    private static Response retryLater(String detail) {
        return Response.fromResponse(Problem.response(Response.Status.SERVICE_UNAVAILABLE, detail))
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS).build();
    }

    /** Counts the request under {@code outcome} and stops it with {@code response}. */
    private Refused refused(String outcome, Response response) {
        metrics.request(outcome);
        return new Refused(response);
    }

    /** A request answered before its results reach a feed; carries the answer, not a stack trace. */
    private static final class Refused extends Exception {
        private final transient Response response;

        Refused(Response response) {
            super(null, null, false, false);
            this.response = response;
        }
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
