package io.oprelay.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class UtcInstantsTest {

    @Test
    void readsUtcTimestampsAsInstantParseDoesWithAnyFractionLength() {
        Random random = new Random(15);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE) * 2L
                    - 1_000_000_000L, random.nextInt(1_000_000_000));
            int digits = i % 10;
            String text = withFraction(digits).format(instant.atOffset(java.time.ZoneOffset.UTC));
            assertThat(UtcInstants.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
        assertThat(UtcInstants.parse("2024-02-29T23:59:59.999999999Z")).isEqualTo(Instant.parse("2024-02-29T23:59:59.999999999Z"));
    }

    @Test
    void leavesEveryOtherShapeToJackson() {
        for (String text : new String[]{"2025-10-01T12:34:56+02:00", "2025-10-01T12:34:60Z", "2025-02-30T00:00:00Z",
                "2023-02-29T00:00:00Z", "2025-13-01T00:00:00Z", "2025-10-01 12:34:56Z", "2025-10-01T12:34:56.Z",
                "2025-10-01T12:34:56.1234567890Z", "2025-10-01T24:00:00Z", "x025-10-01T12:34:56Z", "2025-10-01"}) {
            assertThat(UtcInstants.parse(text)).as(text).isNull();
        }
    }

    @Test
    void aMapperWithItReadsWhatJacksonAloneReads() throws Exception {
        ObjectMapper plain = new ObjectMapper().findAndRegisterModules();
        ObjectMapper fast = plain.copy().registerModule(new SimpleModule("utc").addDeserializer(Instant.class,
                new UtcInstants()));
        for (String json : new String[]{"\"2025-10-01T12:34:56Z\"", "\"2025-10-01T12:34:56.5Z\"",
                "\"2025-10-01T12:34:56+02:00\"", "1759322096", "1759322096.250000000", "null"}) {
            assertThat(fast.readValue(json, Instant.class)).as(json).isEqualTo(plain.readValue(json, Instant.class));
        }
    }

    private static DateTimeFormatter withFraction(int digits) {
        DateTimeFormatterBuilder builder = new DateTimeFormatterBuilder().appendPattern("uuuu-MM-dd'T'HH:mm:ss");
        if (digits > 0) {
            builder.appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, digits, digits, true);
        }
        return builder.appendLiteral('Z').toFormatter();
    }
}
