package io.oprelay.routing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the UTC timestamps Twilio writes ({@code 2025-10-01T12:34:56.789Z}) without a {@code DateTimeFormatter}:
 * the formatter's parse was an eighth of the router thread's time in a flight recording of the routing benchmark,
 * more than all the rules of a result that fires none. Any other shape (an offset, a leap second, a number) is left
 * to Jackson's own {@link InstantDeserializer}, so the values read are those it would read.
 */
final class UtcInstants extends StdScalarDeserializer<Instant> {

    private static final long SECONDS_PER_DAY = 86_400L;
    private static final int[] NANO_SCALE = {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

    UtcInstants() {
        super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
            Instant instant = parse(parser.getText());
            if (instant != null) {
                return instant;
            }
        }
        return InstantDeserializer.INSTANT.deserialize(parser, context);
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} as an instant, or null for any other text. */
    static Instant parse(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || length == 21 || text.charAt(length - 1) != 'Z'
                || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            if (text.charAt(19) != '.') {
                return null;
            }
            int fraction = length - 21;
            int value = digits(text, 20, fraction);
            if (value < 0) {
                return null;
            }
            nanos = value * NANO_SCALE[fraction];
        }
        if (day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()) {
            return null;
        }
        return Instant.ofEpochSecond(LocalDate.of(year, month, day).toEpochDay() * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second,
                nanos);
    }

    /** The decimal number of {@code count} digits at {@code from}, or -1 when one is not a digit. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
