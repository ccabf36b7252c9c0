package io.oprelay.simulator;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.regex.Pattern;

/**
 * Serves the simulator under {@code relay.simulator.path} too: requests below that path are rerouted inside the app
 * to the same request below {@code /simulator}, method, headers, query and body unchanged.
 */
@ApplicationScoped
public class SimulatorPath {

    static final String BUILT_IN = "/simulator";
    private static final Logger LOG = Logger.getLogger(SimulatorPath.class);
    private static final Pattern VALID = Pattern.compile("(/[A-Za-z0-9._~-]+)+");
    /** Paths of the app's own endpoints, which the simulator must not shadow. */
    private static final Pattern RESERVED = Pattern.compile("/(api|q|webhooks|agent-assist|schemas)(/.*)?");

    private final String path;

    public SimulatorPath(SimulatorConfig config) {
        this.path = validated(config.path());
    }

    static String validated(String path) {
        if (!VALID.matcher(path).matches() || RESERVED.matcher(path).matches()) {
            throw new IllegalArgumentException("relay.simulator.path must be a path such as /twilio: segments of"
                    + " letters, digits, '.', '_', '~' or '-', no trailing '/', and not under /api, /q, /webhooks,"
                    + " /agent-assist or /schemas; it was '" + path + "'");
        }
        return path;
    }

    void register(@Observes Router router) {
        if (path.equals(BUILT_IN)) {
            return;
        }
        router.route(path + "/*").order(-100).handler(ctx -> {
            String rest = ctx.request().path().substring(path.length());
            String query = ctx.request().query();
            ctx.reroute(BUILT_IN + rest + (query == null ? "" : "?" + query));
        });
        LOG.infof("Simulator also served under %s", path);
    }
}
