package io.oprelay.cursor;

/** Why a sweep ends with a page. */
public enum SweepEnd {
    /** The page has no {@code meta}, so it says nothing of a next page. */
    NO_META("page without meta", false),
    /** The page has no next token. */
    END_OF_LIST("end of list", true),
    /** The next token was already used in this sweep: following it would loop. */
    REPEATED_TOKEN("repeated page token", false),
    /** Newest first, the page reached results older than the window: everything below is published. */
    REACHED_PUBLISHED("reached published results", true);

    private final String text;
    private final boolean covers;

    SweepEnd(String text, boolean covers) {
        this.text = text;
        this.covers = covers;
    }

    /** How the end reads in logs and in the feed's status. */
    public String text() {
        return text;
    }

    /**
     * Whether the sweep really walked down to published ground (or the end of the list), which proves every result up
     * to its newest published. A sweep cut short does not: the next one goes on down to the old mark.
     */
    public boolean covers() {
        return covers;
    }
}
