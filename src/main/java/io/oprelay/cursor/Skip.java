package io.oprelay.cursor;

/** Why a result on a page (or in a push) was not published although its id was not held as published. */
public enum Skip {
    /**
     * Created at or before the window's floor, yet listed among newer results (or pushed): listed too late to be told
     * apart from one published long ago. Results a sweep re-reads behind published ground are not counted.
     */
    OLDER_THAN_WINDOW("older-than-window"),
    /** The result has no id, so it cannot be published exactly once. */
    NO_ID("no-id");

    private final String tag;

    Skip(String tag) {
        this.tag = tag;
    }

    /** The value of the {@code reason} tag of {@code relay.poller.skipped}. */
    public String tag() {
        return tag;
    }
}
