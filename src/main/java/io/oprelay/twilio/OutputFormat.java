package io.oprelay.twilio;

import java.util.Locale;

/**
 * The {@code outputFormat} values the relay knows. The spec defines the field by a pattern, not a closed enum,
 * so new values are expected: they map to {@link #OTHER} and are kept, never rejected.
 */
public enum OutputFormat {
    CLASSIFICATION, JSON, TEXT, EXTRACTION, OTHER;

    private final String slug = name().toLowerCase(Locale.ROOT);

    public static OutputFormat of(String value) {
        if (value == null) {
            return OTHER;
        }
        // Twilio sends the upper-case names: matched as they are, without a copy per call (a hot path of the poller).
        return switch (value) {
            case "CLASSIFICATION" -> CLASSIFICATION;
            case "JSON" -> JSON;
            case "TEXT" -> TEXT;
            case "EXTRACTION" -> EXTRACTION;
            default -> normalised(value);
        };
    }

    private static OutputFormat normalised(String value) {
        return switch (value.trim().toUpperCase(Locale.ROOT)) {
            case "CLASSIFICATION" -> CLASSIFICATION;
            case "JSON" -> JSON;
            case "TEXT" -> TEXT;
            case "EXTRACTION" -> EXTRACTION;
            default -> OTHER;
        };
    }

    /** Lower-case name, as used in topic names, event types and metric tags. */
    public String slug() {
        return slug;
    }
}
