package io.oprelay.routing.spi;

/** A rule that cannot be used: names the field inside the rule (for example {@code when.all[1].score.between}). */
public class RuleException extends RuntimeException {

    private final String field;

    public RuleException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The offending field, relative to the rule. */
    public String field() {
        return field;
    }
}
