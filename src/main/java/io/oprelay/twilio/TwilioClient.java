package io.oprelay.twilio;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Twilio Intelligence v3 client for {@code /v3/OperatorResults}: HTTP Basic auth, explicit timeouts, retries
 * of 429, 5xx, connection failures, timeouts and malformed answers with capped, jittered exponential back-off that
 * honours {@code Retry-After} and {@code X-RateLimit-Reset} (a wait longer than {@code max-retry-after} ends the call
 * with that wait in {@link TwilioApiException#retryAfter()}); 400, 401, 403 and 404 are never retried. Bodies are
 * kept as the bytes Twilio sent. Calls block the calling thread: call it from a worker thread, not an event loop.
 */
@ApplicationScoped
public class TwilioClient implements OperatorResultsApi {

    private static final Logger LOG = Logger.getLogger(TwilioClient.class);
    private static final String LIST = "list";
    private static final String FETCH = "fetch";
    private static final String DELETE = "delete";

    private final OperatorResultsRestClient rest;
    private final String authorization;
    private final RetryPolicy retryPolicy;
    private final TwilioMetrics metrics;
    private final TwilioReadiness readiness;
    private final OperatorResultParser parser = new OperatorResultParser();

    @Inject
    public TwilioClient(TwilioConfig config, MeterRegistry registry, TwilioReadiness readiness) {
        this(config, new TwilioMetrics(registry), readiness,
                new RetryPolicy(config.retry(), Clock.systemUTC(), () -> ThreadLocalRandom.current().nextDouble()));
    }

    public TwilioClient(TwilioConfig config, TwilioMetrics metrics, TwilioReadiness readiness, RetryPolicy retryPolicy) {
        this.rest = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(config.baseUrl()))
                .connectTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .disableDefaultMapper(true)
                .build(OperatorResultsRestClient.class);
        this.authorization = basicAuth(config);
        this.metrics = metrics;
        this.readiness = readiness;
        this.retryPolicy = retryPolicy;
    }

    private static String basicAuth(TwilioConfig config) {
        if (config.username().isEmpty() || config.password().isEmpty()) {
            return null;
        }
        String pair = config.username().get() + ":" + config.password().get();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public ResultPage list(ListQuery query) {
        if (query.pageSize() < 1 || query.pageSize() > 1000) {
            throw new IllegalArgumentException("pageSize must be 1..1000, was " + query.pageSize());
        }
        return call(LIST, "GET /v3/OperatorResults",
                () -> rest.list(authorization, query.conversationId().orElse(null),
                        query.intelligenceConfigurationId().orElse(null), query.operatorId().orElse(null),
                        query.pageSize(), query.pageToken().orElse(null)),
                parser::parseList);
    }

    @Override
    public RawResult fetch(String operatorResultId) {
        return call(FETCH, "GET /v3/OperatorResults/" + operatorResultId,
                () -> rest.fetch(authorization, operatorResultId), parser::parseOne);
    }

    @Override
    public void delete(String operatorResultId) {
        call(DELETE, "DELETE /v3/OperatorResults/" + operatorResultId,
                () -> rest.delete(authorization, operatorResultId), body -> Boolean.TRUE);
    }

    private <T> T call(String endpoint, String what, Supplier<Response> request, Function<byte[], T> onSuccess) {
        int attempts = retryPolicy.maxAttempts();
        for (int attempt = 1; ; attempt++) {
            Outcome outcome = attempt(endpoint, what, request, onSuccess);
            if (outcome.error() == null) {
                readiness.callSucceeded();
                @SuppressWarnings("unchecked")
                T value = (T) outcome.value();
                return value;
            }
            TwilioApiException error = outcome.error();
            if (error.authFailure()) {
                readiness.credentialsRejected(error.status());
            }
            if (!error.retryable()) {
                throw error;
            }
            Optional<Duration> asked = error.retryAfter();
            Optional<Duration> spread = asked.map(retryPolicy::spread);
            if (asked.isPresent() && retryPolicy.tooLongToWaitFor(asked.get())) {
                throw gaveUp(error, spread, "gave up after attempt " + attempt + ": Twilio asked to wait "
                        + asked.get().toSeconds() + " s, longer than relay.twilio.retry.max-retry-after");
            }
            if (attempt >= attempts) {
                throw gaveUp(error, spread, "gave up after " + attempts + " attempts");
            }
            Duration wait = spread.isPresent() ? spread.get() : retryPolicy.backoff(attempt);
            metrics.retry(endpoint, reason(error.status()));
            LOG.debugf("%s failed (%s), attempt %d of %d, trying again in %d ms", what, error.getMessage(), attempt,
                    attempts, wait.toMillis());
            pause(wait, what);
        }
    }

    private <T> Outcome attempt(String endpoint, String what, Supplier<Response> request, Function<byte[], T> onSuccess) {
        long started = System.nanoTime();
        String status = "none";
        try (Response response = request.get()) {
            status = Integer.toString(response.getStatus());
            byte[] body = response.hasEntity() ? response.readEntity(byte[].class) : new byte[0];
            if (response.getStatus() >= 200 && response.getStatus() < 300) {
                try {
                    return Outcome.success(onSuccess.apply(body));
                } catch (OperatorResultParser.MalformedAnswerException e) {
                    return Outcome.of(new TwilioApiException(-1, null, what + " answered malformed JSON: "
                            + e.getMessage(), false, null, Optional.empty(), e));
                }
            }
            return Outcome.of(error(response, body, what));
        } catch (ProcessingException e) {
            return Outcome.of(new TwilioApiException(0, null, what + " got no answer: " + describe(e), false, null,
                    Optional.empty(), e));
        } finally {
            metrics.request(endpoint, status, Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private TwilioApiException error(Response response, byte[] body, String what) {
        int status = response.getStatus();
        TwilioError parsed = null;
        try {
            parsed = body.length == 0 ? null : TwilioJson.mapper().readValue(body, TwilioError.class);
        } catch (IOException notTwilioShaped) {
            LOG.debugf("%s answered %d with a body that is not Twilio's error shape", what, status);
        }
        Optional<Duration> hint = Optional.empty();
        if (status == 429 || status >= 500) {
            hint = retryPolicy.serverHint(response.getHeaderString("Retry-After"),
                    response.getHeaderString("X-RateLimit-Reset"));
        }
        String detail = parsed != null && parsed.message() != null ? parsed.message() : "no Twilio error body";
        String code = parsed != null && parsed.code() != null ? " (code " + parsed.code() + ")" : "";
        return new TwilioApiException(status, parsed == null ? null : parsed.code(),
                what + " answered " + status + ": " + detail + code,
                parsed != null && Boolean.TRUE.equals(parsed.userError()),
                parsed == null ? null : parsed.params(), hint, null);
    }

    /** The last error of a call, saying why no attempt follows, with the (jittered) wait Twilio asked for, if any. */
    private static TwilioApiException gaveUp(TwilioApiException error, Optional<Duration> retryAfter, String why) {
        return new TwilioApiException(error.status(), error.code().orElse(null),
                error.getMessage() + " (" + why + ")", error.userError(), error.params(), retryAfter, error);
    }

    private static String reason(int status) {
        if (status == 429) {
            return "rate_limited";
        }
        if (status >= 500) {
            return "server_error";
        }
        return status == -1 ? "malformed" : "no_answer";
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static void pause(Duration wait, String what) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TwilioApiException(0, null, what + " was interrupted while waiting to try again", false, null,
                    Optional.empty(), e);
        }
    }

    /** The outcome of one attempt: a value, or the error it ended with. */
    private record Outcome(Object value, TwilioApiException error) {
        static Outcome success(Object value) {
            return new Outcome(value, null);
        }

        static Outcome of(TwilioApiException error) {
            return new Outcome(null, error);
        }
    }
}
