package io.oprelay.publisher;

/** Another instance took over the feed: this writer was fenced and must stop working on it. */
public class FencedException extends RuntimeException {
    public FencedException(String feed, Throwable cause) {
        super("feed " + feed + " is now written by another instance", cause);
    }
}
