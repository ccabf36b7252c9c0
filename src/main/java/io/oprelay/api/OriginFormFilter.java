package io.oprelay.api;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;

/**
 * Refuses with 400 every request whose target is not in origin form ({@code /path?query}): absolute form
 * ({@code http://host/path}, any letter case), authority form, {@code *} and anything else not starting with
 * {@code /}. The relay is no proxy, and a target that a router, a proxy and a check could each read differently is
 * where admin requests used to slip through. Runs before every other route, before authentication. Paths that no
 * route answers get a 404 problem without detail.
 */
@Singleton
public class OriginFormFilter {

    /** Before CORS (-300), authentication (-200) and the simulator's second path (-100): nothing reads the target first. */
    static final int ORDER = -10_000;

    void register(@Observes Router router) {
        router.route().order(ORDER).handler(OriginFormFilter::check);
        // Vert.x fails a target whose path does not start with '/' (x/api, *, host:port) with 404 before any route
        // runs: that failure, and the 404 of a path that no route answered, end here.
        router.route().order(ORDER).failureHandler(OriginFormFilter::failed);
        router.errorHandler(404, OriginFormFilter::notFound);
    }

    static boolean originForm(String target) {
        return target != null && target.startsWith("/");
    }

    private static void check(RoutingContext context) {
        if (originForm(context.request().uri())) {
            context.next();
        } else {
            refuse(context);
        }
    }

    private static void failed(RoutingContext context) {
        if (context.failure() == null && (context.statusCode() == 404 || !originForm(context.request().uri()))) {
            notFound(context);
        } else {
            context.next();
        }
    }

    /** Nothing answered the request: 404 problem+json without detail, or 400 for a target not in origin form. */
    private static void notFound(RoutingContext context) {
        if (context.response().ended()) {
            return;
        }
        if (!originForm(context.request().uri())) {
            refuse(context);
        } else {
            Problem.end(context.response(), Response.Status.NOT_FOUND, null);
        }
    }

    private static void refuse(RoutingContext context) {
        context.response().putHeader("Connection", "close");
        Problem.end(context.response(), Response.Status.BAD_REQUEST, "the request target must be in origin form:"
                + " a path starting with '/', optionally followed by '?query'; absolute URLs are not accepted");
    }
}
