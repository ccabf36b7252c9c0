package io.oprelay.deploy;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression (an alert's {@code expr}, a Grafana panel's target or a Grafana
 * {@code label_values(...)} query) reads, and which of them a Prometheus scrape lacks. Everything that is not a metric
 * name is left out: string literals (label values), label matchers, range and subquery selectors, the label lists of
 * {@code by}, {@code without}, {@code on}, {@code ignoring}, {@code group_left} and {@code group_right}, functions and
 * aggregations (an identifier followed by a parenthesis), keywords, numbers, durations and Grafana variables.
 */
final class PromQlMetricNames {

    private static final Pattern STRING = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'|`[^`]*`");
    private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");
    /** Grafana's {@code label_values(metric, label)}: the label is not a metric. */
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\s*\\(([^,()]*(?:\\{[^}]*})?[^,()]*),\\s*\\w+\\s*\\)");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern LABEL_LIST = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "bool", "inf", "nan", "atan2");

    private PromQlMetricNames() {
    }

    /** The metric names {@code expression} reads. */
    static Set<String> in(String expression) {
        String rest = STRING.matcher(expression).replaceAll(" ");
        rest = GRAFANA_VARIABLE.matcher(rest).replaceAll(" ");
        rest = LABEL_VALUES.matcher(rest).replaceAll(" $1 ");
        rest = MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = LABEL_LIST.matcher(rest).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(rest);
        while (identifier.find()) {
            String name = identifier.group(1);
            boolean called = identifier.group(2) != null;
            if (!called && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                names.add(name);
            }
        }
        return names;
    }

    /** The sample names of a scrape in the Prometheus text format ({@code name{labels} value}, comments left out). */
    static Set<String> exposed(String scrape) {
        Set<String> names = new TreeSet<>();
        scrape.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).forEach(line -> {
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        });
        return names;
    }

    /**
     * The names among {@code used} that {@code scrape} has no sample of. A histogram's {@code _bucket}, {@code _count}
     * and {@code _sum}, a summary's {@code _count} and {@code _sum} and a timer's {@code _max} are samples of their
     * own in the text format, so a suffix form counts only where the scrape has it (a {@code _bucket} of a timer
     * without a histogram is missing).
     */
    static Set<String> missing(Set<String> used, String scrape) {
        Set<String> exposed = exposed(scrape);
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(exposed);
        return missing;
    }
}
