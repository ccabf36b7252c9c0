package io.oprelay.routing.spi;

/** Errors as one line of text, for dead-letter reasons, delivery outcomes and log lines. */
public final class ErrorText {

    private ErrorText() {
    }

    /**
     * Class and message of an error on one line, for a reason header or a log line: messages may quote values from
     * the data, line breaks included.
     */
    public static String describe(Throwable error) {
        String text = error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        StringBuilder line = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\r' -> line.append("\\r");
                case '\n' -> line.append("\\n");
                default -> line.append(Character.isISOControl(c) ? '?' : c);
            }
        }
        return line.toString();
    }
}
