package io.oprelay.poller;

import io.oprelay.publisher.PublishFailedException;

/**
 * A feed's queue of pushed results is at its bound ({@code relay.webhook.max-queued-results}): the push was not
 * queued, and nothing of it is published by this path. The poller publishes those results anyway.
 */
public class PushQueueFullException extends PublishFailedException {
    public PushQueueFullException(String message) {
        super(message, null);
    }
}
