package io.oprelay.poller;

import io.oprelay.cursor.SweepEnd;

import java.time.Duration;

/** How a sweep ended, deciding the pause before the next one; the value of the {@code outcome} tag of its timer. */
enum SweepOutcome {
    /** The last page had no next token. */
    END_OF_LIST("end of list", "end-of-list"),
    /** Newest first, a page reached published ground. */
    REACHED_PUBLISHED("reached published results", "reached-published-results"),
    /** The next token was already used in this sweep. */
    REPEATED_TOKEN("repeated page token", "repeated-page-token"),
    /** A page came without {@code meta}. */
    NO_META("page without meta", "page-without-meta"),
    /** {@code relay.poller.max-pages-per-sweep} pages were read; the backlog goes on from the token. */
    PAGE_LIMIT("page limit", "page-limit"),
    /** The feed was released while sweeping. */
    STOPPED("stopped", "stopped");

    /** The longest pause after a sweep cut short before it reached published ground. */
    static final Duration CUT_SHORT_PAUSE = Duration.ofSeconds(1);

    private final String text;
    private final String tag;

    SweepOutcome(String text, String tag) {
        this.text = text;
        this.tag = tag;
    }

    static SweepOutcome of(SweepEnd end) {
        return switch (end) {
            case END_OF_LIST -> END_OF_LIST;
            case REACHED_PUBLISHED -> REACHED_PUBLISHED;
            case REPEATED_TOKEN -> REPEATED_TOKEN;
            case NO_META -> NO_META;
        };
    }

    /** How the outcome reads in logs and as {@code lastSweepOutcome} of the feed's status. */
    String text() {
        return text;
    }

    /** The value of the {@code outcome} tag of {@code relay.poller.sweep.duration}. */
    String tag() {
        return tag;
    }

    /**
     * The pause before the next sweep: none after the page limit (the backlog goes on); at most a second after a
     * sweep cut short by a repeated token or a page without meta (it has not reached published ground yet); the
     * interval otherwise.
     */
    Duration pauseAfter(Duration interval) {
        return switch (this) {
            case PAGE_LIMIT -> Duration.ZERO;
            case REPEATED_TOKEN, NO_META -> interval.compareTo(CUT_SHORT_PAUSE) < 0 ? interval : CUT_SHORT_PAUSE;
            default -> interval;
        };
    }
}
