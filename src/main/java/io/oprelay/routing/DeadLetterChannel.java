package io.oprelay.routing;

import io.oprelay.events.ChannelAddresses;
import jakarta.inject.Singleton;

import java.util.Map;

/** The dead-letter topic as a channel of the event contract ({@code deadLetters}). */
@Singleton
public class DeadLetterChannel implements ChannelAddresses {

    private final String topic;

    public DeadLetterChannel(RoutingConfig config) {
        this.topic = config.deadLetterTopic();
    }

    @Override
    public Map<String, String> addresses() {
        return Map.of("deadLetters", topic);
    }
}
