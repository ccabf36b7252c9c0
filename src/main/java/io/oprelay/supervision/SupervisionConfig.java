package io.oprelay.supervision;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How long-running worker threads are restarted when they die, and when liveness gives up on them. */
@ConfigMapping(prefix = "relay.supervision")
public interface SupervisionConfig {

    /** Wait before restarting a worker that died; doubles with each death in a row. */
    @WithDefault("1s")
    Duration initialBackoff();

    /** Longest wait between restarts; a worker that ran this long without dying starts again from the initial wait. */
    @WithDefault("60s")
    Duration maxBackoff();

    /** Deaths of one worker within {@code relay.supervision.window} that turn liveness DOWN (the pod is restarted). */
    @WithDefault("5")
    int maxRestarts();

    /** Window in which {@code relay.supervision.max-restarts} deaths of one worker turn liveness DOWN. */
    @WithDefault("10m")
    Duration window();
}
