package io.oprelay.twilio;

import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Twilio type ids (TTID): {@code <prefix>_<26 chars>}, the 26 characters being a UUIDv7 in lowercase Crockford
 * base32 (first character 0-7). The first 48 bits of a UUIDv7 are its creation time in milliseconds, so ids of one
 * prefix sort by creation time. That is observed, not promised: use {@link #creationTime} as a hint only.
 */
public final class Ttid {

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final int[] VALUES = new int[128];
    private static final int LENGTH = 26;

    static {
        java.util.Arrays.fill(VALUES, -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUES[ALPHABET[i]] = i;
        }
    }

    private Ttid() {
    }

    /** The pattern the spec gives for ids of this prefix: {@code ^prefix_[0-7][0-9a-z]{25}$}. */
    public static Pattern pattern(String prefix) {
        return Pattern.compile("^" + Pattern.quote(prefix) + "_[0-7][0-9a-z]{25}$");
    }

    /** The id of {@code prefix} for the 128 bits {@code high:low}. */
    public static String format(String prefix, long high, long low) {
        char[] chars = new char[LENGTH];
        long hi = high;
        long lo = low;
        for (int i = LENGTH - 1; i >= 0; i--) {
            chars[i] = ALPHABET[(int) (lo & 31)];
            lo = (lo >>> 5) | (hi << 59);
            hi = hi >>> 5;
        }
        return prefix + "_" + new String(chars);
    }

    /** The creation time a UUIDv7-based id carries, when the suffix is 26 valid base32 characters. */
    public static Optional<Instant> creationTime(String id) {
        if (id == null) {
            return Optional.empty();
        }
        int underscore = id.lastIndexOf('_');
        String suffix = id.substring(underscore + 1);
        if (suffix.length() != LENGTH) {
            return Optional.empty();
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < LENGTH; i++) {
            char c = suffix.charAt(i);
            int value = c < 128 ? VALUES[c] : -1;
            if (value < 0 || (i == 0 && value > 7)) {
                return Optional.empty();
            }
            hi = (hi << 5) | (lo >>> 59);
            lo = (lo << 5) | value;
        }
        return Optional.of(Instant.ofEpochMilli(hi >>> 16));
    }

    /**
     * Makes UUIDv7-based ids that never go backwards: within one millisecond (or when the clock steps back) the
     * random part is incremented, so every new id sorts after the previous one. Not thread-safe.
     */
    public static final class Generator {

        private static final long RAND_A_MASK = 0xFFFL;
        private static final long RAND_B_MASK = 0x3FFF_FFFF_FFFF_FFFFL;

        private final RandomGenerator random;
        private long lastMillis = Long.MIN_VALUE;
        private long randA;
        private long randB;

        public Generator(RandomGenerator random) {
            this.random = random;
        }

        /** The next id of {@code prefix} created at {@code millis} (or just after the previous id). */
        public String next(String prefix, long millis) {
            if (millis > lastMillis) {
                lastMillis = millis;
                randA = random.nextLong() & RAND_A_MASK;
                randB = random.nextLong() & RAND_B_MASK & ~(1L << 61);
            } else {
                randB = (randB + 1) & RAND_B_MASK;
                if (randB == 0) {
                    randA = (randA + 1) & RAND_A_MASK;
                    if (randA == 0) {
                        lastMillis++;
                    }
                }
            }
            long high = (lastMillis << 16) | 0x7000L | randA;
            long low = 0x8000_0000_0000_0000L | randB;
            return format(prefix, high, low);
        }

        /** The creation time, in milliseconds, of the last id made. */
        public long lastMillis() {
            return lastMillis;
        }
    }
}
