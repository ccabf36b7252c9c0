package io.oprelay.twilio;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A call to Twilio that failed, with Twilio's error body {@code {code, message, httpStatusCode, userError, params}}
 * when there was one. {@code status} is 0 when no HTTP answer came (connection refused, timeout) and -1 when the
 * answer could not be parsed (malformed JSON). The message never holds credentials.
 */
public class TwilioApiException extends RuntimeException {

    private final int status;
    private final Integer code;
    private final boolean userError;
    private final Map<String, Object> params;
    private final Optional<Duration> retryAfter;

    public TwilioApiException(int status, Integer code, String message, boolean userError, Map<String, Object> params,
                              Optional<Duration> retryAfter, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
        this.userError = userError;
        this.params = params == null ? Map.of() : Map.copyOf(params);
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    public Optional<Integer> code() {
        return Optional.ofNullable(code);
    }

    public boolean userError() {
        return userError;
    }

    public Map<String, Object> params() {
        return params;
    }

    /**
     * How long Twilio asked to wait ({@code Retry-After} or {@code X-RateLimit-Reset}) before the next call, when it
     * said, with up to a fifth added as jitter once the client gave up; empty when it did not say. The client gives
     * up at once on a wait longer than {@code max-retry-after}, so a caller that calls again must wait this long
     * first.
     */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }

    /** 429, 5xx, no answer and a malformed answer are worth trying again; other statuses are not. */
    public boolean retryable() {
        return status == 429 || status >= 500 || status == 0 || status == -1;
    }

    public boolean notFound() {
        return status == 404;
    }

    /** 401 or 403: the credentials are wrong or lack permission. */
    public boolean authFailure() {
        return status == 401 || status == 403;
    }
}
