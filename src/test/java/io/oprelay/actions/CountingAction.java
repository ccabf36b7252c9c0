package io.oprelay.actions;

import io.oprelay.routing.spi.ActionParams;
import io.oprelay.routing.spi.ActionType;
import io.oprelay.routing.spi.BoundAction;
import io.oprelay.routing.spi.Effects;
import io.oprelay.routing.spi.ResultFacts;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An action type added the way a new one is meant to be: this one class, a CDI bean implementing {@link ActionType},
 * and nothing in routing. {@code type: counter} counts the results a rule fires for, by {@code name}, and publishes
 * each count to its topic (keyed by conversation, value {@code <name>:<count>:<result id>}). Registered only in the
 * application of the test profile that switches {@value #SWITCH} on.
 */
@Singleton
@IfBuildProperty(name = CountingAction.SWITCH, stringValue = "true")
public class CountingAction implements ActionType {

    /** The build property that registers this action type. */
    public static final String SWITCH = "oprelay-test.counting-action";
    public static final String TOPIC = "routing-test.counts";

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return "counter";
    }

    @Override
    public List<String> topics() {
        return List.of(TOPIC);
    }

    @Override
    public BoundAction bind(String rule, ActionParams params) {
        params.allowOnly(Set.of("type", "name"));
        String name = params.requiredText("name");
        AtomicLong count = counts.computeIfAbsent(name, key -> new AtomicLong());
        return new BoundAction() {
            @Override
            public String type() {
                return "counter";
            }

            @Override
            public String rule() {
                return rule;
            }

            @Override
            public Effects apply(ResultFacts result) {
                long now = count.incrementAndGet();
                String value = name + ":" + now + ":" + result.view().id();
                return new Effects(List.of(new ProducerRecord<>(TOPIC, result.view().conversationId(),
                        value.getBytes(StandardCharsets.UTF_8))), List.of(), now);
            }

            @Override
            public Map<String, Object> describe() {
                return Map.of("type", "counter", "name", name, "topic", TOPIC);
            }
        };
    }

    /** Results counted so far under {@code name}. */
    public long count(String name) {
        AtomicLong count = counts.get(name);
        return count == null ? 0 : count.get();
    }
}
