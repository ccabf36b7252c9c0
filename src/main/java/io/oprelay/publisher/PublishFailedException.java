package io.oprelay.publisher;

/**
 * A transaction did not commit, or its outcome is unknown (a timeout while committing). The caller must reopen the
 * publisher, which completes or aborts that transaction and restores the checkpoint as actually committed.
 */
public class PublishFailedException extends RuntimeException {
    public PublishFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
