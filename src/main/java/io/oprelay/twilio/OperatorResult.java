package io.oprelay.twilio;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Typed, lenient view of one Twilio Intelligence v3 OperatorResult, used for routing and diffing.
 *
 * <p>It is a view, never what gets published: the relay publishes the JSON bytes Twilio sent (see {@link RawResult}).
 * Unknown fields are ignored here and kept in those bytes. {@code result} stays a tree because its shape depends on
 * {@code outputFormat}, a sibling field; {@link #payload()} gives the typed form. Any field may be null in a
 * payload that does not follow the spec.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OperatorResult(
        String id,
        String accountId,
        IntelligenceConfigurationRef intelligenceConfiguration,
        String conversationId,
        OperatorRef operator,
        String outputFormat,
        Instant dateCreated,
        List<String> referenceIds,
        ExecutionDetails executionDetails,
        JsonNode result) {

    /** The format this result is published under; unknown values map to {@link OutputFormat#OTHER}. */
    public OutputFormat format() {
        return OutputFormat.of(outputFormat);
    }

    /** The typed {@code result}, by {@code outputFormat}. */
    public ResultPayload payload() {
        return ResultPayload.of(format(), outputFormat, result);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record IntelligenceConfigurationRef(String id, String ruleId, Integer version, String displayName) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record OperatorRef(String id, Integer version, Map<String, Object> parameters, String displayName) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ExecutionDetails(Trigger trigger, Communications communications, List<String> channels,
                                   List<Participant> participants) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Trigger(String on, Instant timestamp) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Communications(String first, String last) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Participant(String id, String profileId, String type) {
    }
}
