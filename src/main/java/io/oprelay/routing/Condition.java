package io.oprelay.routing;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonPointer;
import io.oprelay.routing.spi.ResultFacts;
import io.oprelay.twilio.OperatorResult;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code when} of a rule: a test over one OperatorResult. Leaves look at one fact of the result; {@link All},
 * {@link Any} and {@link Not} combine them. Text comparisons ignore case. Serialised with a {@code type} field for
 * {@code GET /api/routing/rules}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Condition.FormatIn.class, name = "format"),
        @JsonSubTypes.Type(value = Condition.LabelIn.class, name = "label"),
        @JsonSubTypes.Type(value = Condition.NumberAt.class, name = "number"),
        @JsonSubTypes.Type(value = Condition.OperatorIn.class, name = "operator"),
        @JsonSubTypes.Type(value = Condition.ConfigurationIn.class, name = "configuration"),
        @JsonSubTypes.Type(value = Condition.TriggerIn.class, name = "trigger"),
        @JsonSubTypes.Type(value = Condition.ChannelIn.class, name = "channel"),
        @JsonSubTypes.Type(value = Condition.ParticipantTypeIn.class, name = "participantType"),
        @JsonSubTypes.Type(value = Condition.All.class, name = "all"),
        @JsonSubTypes.Type(value = Condition.Any.class, name = "any"),
        @JsonSubTypes.Type(value = Condition.Not.class, name = "not")
})
public sealed interface Condition permits Condition.FormatIn, Condition.LabelIn, Condition.NumberAt,
        Condition.OperatorIn, Condition.ConfigurationIn, Condition.TriggerIn, Condition.ChannelIn,
        Condition.ParticipantTypeIn, Condition.All, Condition.Any, Condition.Not {

    /** Whether the result satisfies this condition. */
    boolean test(ResultFacts result);

    /** {@code outputFormat} is one of these (upper case; {@code OTHER} matches formats the relay does not know). */
    record FormatIn(Set<String> oneOf) implements Condition {
        @Override
        public boolean test(ResultFacts result) {
            OperatorResult view = result.view();
            return oneOf.contains(view.format().name())
                    || (view.outputFormat() != null && containsUpper(oneOf, view.outputFormat()));
        }
    }

    /** The result's label (CLASSIFICATION {@code result.label}, or a text {@code label} of a JSON result) is one of these. */
    record LabelIn(Set<String> oneOf) implements Condition {
        @Override
        public boolean test(ResultFacts result) {
            String label = result.label();
            return label != null && (oneOf.contains(label) || oneOf.contains(label.toLowerCase(Locale.ROOT)));
        }
    }

    /** The number at a JSON pointer into {@code result} compares to the bound(s); a missing or non-numeric value never matches. */
    record NumberAt(String pointer, Comparison op, double value, Double upper, @JsonIgnore JsonPointer at)
            implements Condition {

        public NumberAt(String pointer, Comparison op, double value, Double upper) {
            this(pointer, op, value, upper, JsonPointer.compile(pointer));
        }

        @Override
        public boolean test(ResultFacts result) {
            Double number = result.number(at);
            if (number == null) {
                return false;
            }
            return switch (op) {
                case LT -> number < value;
                case LE -> number <= value;
                case GT -> number > value;
                case GE -> number >= value;
                case BETWEEN -> number >= value && number <= upper;
            };
        }
    }

    /** {@code operator.id} is one of these. */
    record OperatorIn(Set<String> oneOf) implements Condition {
        @Override
        public boolean test(ResultFacts result) {
            return result.view().operator() != null && containsIgnoringCase(oneOf, result.view().operator().id());
        }
    }

    /** {@code intelligenceConfiguration.id} is one of these. */
    record ConfigurationIn(Set<String> oneOf) implements Condition {
        @Override
        public boolean test(ResultFacts result) {
            return result.view().intelligenceConfiguration() != null
                    && containsIgnoringCase(oneOf, result.view().intelligenceConfiguration().id());
        }
    }

    /** {@code executionDetails.trigger.on} is one of these. */
    record TriggerIn(Set<String> oneOf) implements Condition {
        @Override
        public boolean test(ResultFacts result) {
            OperatorResult.ExecutionDetails details = result.view().executionDetails();
            return details != null && details.trigger() != null && details.trigger().on() != null
                    && containsUpper(oneOf, details.trigger().on());
        }
    }

    /** One of {@code executionDetails.channels} is one of these. */
    record ChannelIn(Set<String> oneOf) implements Condition {
        @Override
        public boolean test(ResultFacts result) {
            OperatorResult.ExecutionDetails details = result.view().executionDetails();
            if (details == null || details.channels() == null) {
                return false;
            }
            List<String> channels = details.channels();
            for (int i = 0, n = channels.size(); i < n; i++) {
                String channel = channels.get(i);
                if (channel != null && containsUpper(oneOf, channel)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A participant of one of these types took part. */
    record ParticipantTypeIn(Set<String> oneOf) implements Condition {
        @Override
        public boolean test(ResultFacts result) {
            OperatorResult.ExecutionDetails details = result.view().executionDetails();
            if (details == null || details.participants() == null) {
                return false;
            }
            List<OperatorResult.Participant> participants = details.participants();
            for (int i = 0, n = participants.size(); i < n; i++) {
                OperatorResult.Participant p = participants.get(i);
                if (p != null && p.type() != null && containsUpper(oneOf, p.type())) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Every condition holds (an empty list always holds). */
    record All(List<Condition> all) implements Condition {
        @Override
        public boolean test(ResultFacts result) {
            for (int i = 0, n = all.size(); i < n; i++) {
                if (!all.get(i).test(result)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** At least one condition holds. */
    record Any(List<Condition> any) implements Condition {
        @Override
        public boolean test(ResultFacts result) {
            for (int i = 0, n = any.size(); i < n; i++) {
                if (any.get(i).test(result)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The condition does not hold. */
    record Not(Condition not) implements Condition {
        @Override
        public boolean test(ResultFacts result) {
            return !not.test(result);
        }
    }

    /** Numeric comparisons of {@link NumberAt}. */
    enum Comparison {
        LT, LE, GT, GE, BETWEEN
    }

    private static String upper(String value) {
        return value.trim().toUpperCase(Locale.ROOT);
    }

    /**
     * Whether {@code upperCased} holds {@code value} trimmed and upper-cased; a value already in that form (as Twilio
     * writes them) is looked up as it is, without making a new string for each rule that asks.
     */
    private static boolean containsUpper(Set<String> upperCased, String value) {
        return upperCased.contains(value) || upperCased.contains(upper(value));
    }

    private static boolean containsIgnoringCase(Set<String> lowerCased, String value) {
        return value != null && (lowerCased.contains(value) || lowerCased.contains(value.toLowerCase(Locale.ROOT)));
    }
}
