package io.oprelay.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.oprelay.routing.spi.ActionType;
import io.oprelay.tracing.Tracing;
import io.quarkus.arc.All;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules in force: read once at start-up from {@code relay.routing.rules-file}, or from the built-in
 * {@code classpath:rules/default-rules.yaml} when no file is set. A bad file stops start-up.
 */
@Singleton
public class RuleBook {

    /** The built-in rules used when {@code relay.routing.rules-file} is not set. */
    public static final String DEFAULT_RULES = "rules/default-rules.yaml";
    private static final Logger LOG = Logger.getLogger(RuleBook.class);

    private final String source;
    private final RoutingEngine engine;

    public RuleBook(RoutingConfig config, @All List<ActionType> actions, ObjectMapper mapper, Tracing tracing) {
        Map<String, ActionType> byType = new LinkedHashMap<>();
        for (ActionType action : actions) {
            if (byType.put(action.type(), action) != null) {
                throw new IllegalStateException("two actions share the type " + action.type());
            }
        }
        RulesParser parser = new RulesParser(byType);
        Path file = config.rulesFile().orElse(null);
        this.source = file == null ? "classpath:" + DEFAULT_RULES : file.toString();
        List<Rule> rules = parser.parse(source, file == null ? readDefault() : read(file));
        this.engine = new RoutingEngine(rules, mapper, config.deadLetterTopic(), tracing);
        LOG.infof("Routing: %d rule(s) loaded from %s", rules.size(), source);
    }

    void onStart(@Observes @Priority(Integer.MIN_VALUE + 10) StartupEvent event) {
        LOG.debugf("Routing rules from %s are valid", source);
    }

    /** Where the rules came from. */
    public String source() {
        return source;
    }

    /** The rules, in order. */
    public List<Rule> rules() {
        return engine.rules();
    }

    /** The engine applying these rules. */
    public RoutingEngine engine() {
        return engine;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException(RulesParser.PROPERTY + " (env RELAY_ROUTING_RULES_FILE): cannot read "
                    + file + " (" + e.getClass().getSimpleName() + ")", Set.of(RulesParser.PROPERTY));
        }
    }

    private static String readDefault() {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(DEFAULT_RULES)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_RULES + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULT_RULES, e);
        }
    }
}
