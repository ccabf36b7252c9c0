package io.oprelay.poller;

/**
 * What became of pushed results in one feed, once its transaction committed.
 *
 * @param published        results this push published
 * @param alreadyPublished results the feed had published before (by a sweep or an earlier push)
 */
public record PushOutcome(int published, int alreadyPublished) {
}
