package io.oprelay.deadletters;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The dead-letter API: the in-memory view of the latest dead letters and their replays. */
@ConfigMapping(prefix = "relay.dead-letters")
public interface DeadLettersConfig {

    /** Dead letters kept in memory per instance for {@code GET /api/dead-letters}, read back on start. */
    @WithDefault("500")
    int viewSize();

    /** Topic recording every replay (key: the letter's id; value: outcome and detail), written in the replay's own transaction. */
    @WithDefault("relay.routing.dead-letter-replays")
    String replayTopic();

    /** Prefix of the replays' transactional ids, {@code <prefix>-<partition>-<offset>}: one id per dead letter. */
    @WithDefault("relay-dead-letter-replay")
    String replayTransactionalIdPrefix();
}
