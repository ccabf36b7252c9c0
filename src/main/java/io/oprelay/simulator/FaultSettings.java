package io.oprelay.simulator;

/**
 * The faults the simulator injects, as read and written by {@code GET/PUT /simulator/admin/faults}. The three
 * page counters count down as pages use them. Without faults every answer is valid against Twilio's OpenAPI
 * description; a payload fault makes results that go beyond it, as real payloads have been seen to.
 *
 * @param rateLimitShare     share (0..1) of calls answered 429 with {@code Retry-After} and {@code X-RateLimit-*}
 * @param serverErrorShare   share (0..1) of calls answered 500
 * @param retryAfterSeconds  seconds announced by an injected 429
 * @param pageDelayMs        delay added to every list page, in milliseconds
 * @param malformedPages     the next N list pages are broken JSON
 * @param pagesWithoutMeta   the next N list pages have no {@code meta}
 * @param repeatedTokenPages the next N list pages requested with a token answer that token again as {@code nextToken}
 * @param tokenTtlMs         page tokens older than this many milliseconds answer 400; null for never
 * @param nullProfileIds     results generated while set name {@code "profileId": null} for every participant
 *                           without a profile, which the spec does not allow (it omits the field)
 */
public record FaultSettings(double rateLimitShare, double serverErrorShare, int retryAfterSeconds, long pageDelayMs,
                            int malformedPages, int pagesWithoutMeta, int repeatedTokenPages, Long tokenTtlMs,
                            boolean nullProfileIds) {

    /** The HTTP and paging faults alone, with spec-valid payloads. */
    public FaultSettings(double rateLimitShare, double serverErrorShare, int retryAfterSeconds, long pageDelayMs,
                         int malformedPages, int pagesWithoutMeta, int repeatedTokenPages, Long tokenTtlMs) {
        this(rateLimitShare, serverErrorShare, retryAfterSeconds, pageDelayMs, malformedPages, pagesWithoutMeta,
                repeatedTokenPages, tokenTtlMs, false);
    }

    /** No faults at all. */
    public static FaultSettings none() {
        return new FaultSettings(0, 0, 1, 0, 0, 0, 0, null, false);
    }

    static FaultSettings from(SimulatorConfig.Faults faults) {
        return new FaultSettings(faults.rateLimitShare(), faults.serverErrorShare(), faults.retryAfterSeconds(),
                faults.pageDelay().toMillis(), faults.malformedPages(), faults.pagesWithoutMeta(),
                faults.repeatedTokenPages(), faults.tokenTtl().map(java.time.Duration::toMillis).orElse(null),
                faults.nullProfileIds());
    }

    /** These settings with {@link #nullProfileIds()} set as given. */
    public FaultSettings withNullProfileIds(boolean enabled) {
        return new FaultSettings(rateLimitShare, serverErrorShare, retryAfterSeconds, pageDelayMs, malformedPages,
                pagesWithoutMeta, repeatedTokenPages, tokenTtlMs, enabled);
    }

    /** What is wrong with these settings, or null when they are usable. */
    public String problem() {
        if (rateLimitShare < 0 || rateLimitShare > 1 || serverErrorShare < 0 || serverErrorShare > 1) {
            return "rateLimitShare and serverErrorShare must be between 0 and 1";
        }
        if (retryAfterSeconds < 0 || pageDelayMs < 0 || malformedPages < 0 || pagesWithoutMeta < 0
                || repeatedTokenPages < 0 || (tokenTtlMs != null && tokenTtlMs < 0)) {
            return "counts, delays and durations must not be negative";
        }
        return null;
    }

    FaultSettings withMalformedPages(int n) {
        return new FaultSettings(rateLimitShare, serverErrorShare, retryAfterSeconds, pageDelayMs, n, pagesWithoutMeta,
                repeatedTokenPages, tokenTtlMs, nullProfileIds);
    }

    FaultSettings withPagesWithoutMeta(int n) {
        return new FaultSettings(rateLimitShare, serverErrorShare, retryAfterSeconds, pageDelayMs, malformedPages, n,
                repeatedTokenPages, tokenTtlMs, nullProfileIds);
    }

    FaultSettings withRepeatedTokenPages(int n) {
        return new FaultSettings(rateLimitShare, serverErrorShare, retryAfterSeconds, pageDelayMs, malformedPages,
                pagesWithoutMeta, n, tokenTtlMs, nullProfileIds);
    }
}
