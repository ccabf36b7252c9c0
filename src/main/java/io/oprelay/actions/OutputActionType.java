package io.oprelay.actions;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.events.ChannelAddresses;
import io.oprelay.events.EventSchemas;
import io.oprelay.routing.spi.ActionType;

import java.util.List;
import java.util.Map;

/**
 * An action type whose outputs are events of one type on one topic, a channel of the event contract: it names the
 * topic for the router to create and for the AsyncAPI document, and leaves validation and rendering to the type.
 */
abstract class OutputActionType implements ActionType, ChannelAddresses {

    private final String type;
    private final String channel;
    /** Writes this type's outputs: to the topic, to webhooks, under one idempotency key. */
    protected final OutputRecords outputs;

    /**
     * @param channel   the channel id of the topic in the AsyncAPI document
     * @param eventType {@code ce_type} of the outputs, whose JSON Schema is their {@code ce_dataschema}
     */
    OutputActionType(String type, String channel, String topic, String eventType, EventSchemas schemas,
                     ObjectMapper mapper) {
        this.type = type;
        this.channel = channel;
        this.outputs = new OutputRecords(type, topic, eventType, schemas.ofType(eventType), mapper);
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public List<String> topics() {
        return List.of(outputs.topic());
    }

    @Override
    public Map<String, String> addresses() {
        return Map.of(channel, outputs.topic());
    }
}
