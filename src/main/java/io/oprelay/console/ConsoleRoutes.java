package io.oprelay.console;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The operator console's pages ({@code META-INF/resources/console/}, served as static files): {@code /console}
 * redirects to {@code /console/}, and every answer under {@code /console/} carries a strict Content-Security-Policy
 * (scripts, styles and requests from the relay itself only; no inline script, no framing) and no-sniff, no-referrer
 * headers. The pages hold no data and no secret: everything they show comes from {@code /api/**}, which asks for the
 * API key where authentication is on.
 */
@Singleton
public class ConsoleRoutes {

    /** Where the console lives. */
    public static final String PATH = "/console";
    /** The policy of every console answer. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    /** After the origin-form check (-10,000), before the static files (served after every other route). */
    static final int ORDER = -50;

    void register(@Observes Router router) {
        router.route().order(ORDER).pathRegex("^/console(/.*)?$").handler(ConsoleRoutes::handle);
    }

    private static void handle(RoutingContext ctx) {
        var response = ctx.response();
        if (ctx.request().path().equals(PATH)) {
            response.setStatusCode(302).putHeader(HttpHeaders.LOCATION, PATH + "/").end();
            return;
        }
        response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        ctx.next();
    }
}
