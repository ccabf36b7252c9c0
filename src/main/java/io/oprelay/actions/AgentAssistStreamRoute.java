package io.oprelay.actions;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.oprelay.api.Problem;
import io.oprelay.api.StreamScope;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Server-Sent Events for agent desktops: {@code GET /agent-assist/stream?conversationId=...} streams the hints of
 * one conversation, {@code GET /agent-assist/stream} (no parameter) every hint, for supervisors. Events are
 * {@code id: <partition>-<offset>}, {@code event: hint}, {@code data: <hint JSON>}; a comment line is sent every
 * {@code relay.actions.agent-assist.heartbeat}; {@code Last-Event-ID} (header, or the {@code lastEventId} query
 * parameter) resumes from the in-memory buffer. A client that cannot keep up is disconnected (it resumes with
 * Last-Event-ID) so that a slow desktop never holds memory.
 * <p>
 * Access is decided on the request's security identity (the API key, or a stream token minted by
 * {@code POST /api/agent-assist/tokens}): its {@link StreamScope} must allow the requested stream (401 without a
 * valid credential, 403 outside its scope). At most {@code relay.actions.agent-assist.max-streams} streams are open at
 * once; beyond that the answer is 503 with {@code Retry-After}. With
 * {@code relay.actions.agent-assist.stream-enabled=false} (the instance does not read the hints topic) every request
 * is answered 404 problem+json and no stream opens.
 */
@Singleton
public class AgentAssistStreamRoute {

    public static final String PATH = "/agent-assist/stream";
    /** Seconds a client refused for capacity is asked to wait. */
    static final int RETRY_AFTER_SECONDS = 5;
    private static final Logger LOG = Logger.getLogger(AgentAssistStreamRoute.class);

    private final HintBroadcaster broadcaster;
    private final long heartbeatMillis;
    private final int maxStreams;
    private final boolean enabled;
    private final AtomicInteger open = new AtomicInteger();
    private final MeterRegistry registry;

    public AgentAssistStreamRoute(HintBroadcaster broadcaster, ActionsConfig config, MeterRegistry registry) {
        this.broadcaster = broadcaster;
        this.heartbeatMillis = Math.max(1_000, config.agentAssist().heartbeat().toMillis());
        this.maxStreams = Math.max(0, config.agentAssist().maxStreams());
        this.enabled = config.agentAssist().streamEnabled();
        this.registry = registry;
        Gauge.builder("relay.agent-assist.streams", open, AtomicInteger::get)
                .description("Hint streams (SSE) open on this instance").register(registry);
    }

    void register(@Observes Router router) {
        router.get(PATH).handler(enabled ? this::authorise : AgentAssistStreamRoute::disabled);
    }

    /** With {@code stream-enabled=false} the route opens no stream and says why, rather than a bare 404. */
    private static void disabled(RoutingContext ctx) {
        Problem.end(ctx.response(), Response.Status.NOT_FOUND, "the hint stream is disabled on this instance"
                + " (relay.actions.agent-assist.stream-enabled=false): connect to an instance that serves it");
    }

    private void authorise(RoutingContext ctx) {
        String conversationId = blankToNull(ctx.request().getParam("conversationId"));
        Context context = ctx.vertx().getOrCreateContext();
        // A failed authentication is answered below (problem+json); Quarkus' default failure handler, which the
        // deferred identity would call too, must not answer it first.
        ctx.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, (BiConsumer<RoutingContext, Throwable>) (c, failure) -> { });
        QuarkusHttpUser.getSecurityIdentity(ctx, null).subscribe().with(
                identity -> context.runOnContext(v -> admit(ctx, identity, conversationId)),
                failure -> context.runOnContext(v -> refuseUnauthenticated(ctx, failure)));
    }

    private void admit(RoutingContext ctx, SecurityIdentity identity, String conversationId) {
        if (ctx.response().headWritten()) {
            return;
        }
        if (identity == null || identity.isAnonymous()) {
            refuseUnauthenticated(ctx, null);
            return;
        }
        Optional<StreamScope> scope = StreamScope.of(identity);
        if (scope.isEmpty() || !scope.get().allows(conversationId)) {
            refused("forbidden");
            Problem.end(ctx.response(), Response.Status.FORBIDDEN, null);
            return;
        }
        if (open.incrementAndGet() > maxStreams) {
            open.decrementAndGet();
            refused("capacity");
            ctx.response().putHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
            Problem.end(ctx.response(), Response.Status.SERVICE_UNAVAILABLE, "this instance serves its maximum of"
                    + " streams (relay.actions.agent-assist.max-streams); reconnect after Retry-After seconds");
            return;
        }
        stream(ctx, conversationId);
    }

    private void refuseUnauthenticated(RoutingContext ctx, Throwable failure) {
        if (ctx.response().headWritten()) {
            return;
        }
        if (failure != null && !(failure instanceof AuthenticationFailedException)) {
            LOG.warnf("Agent-assist stream: authentication failed with %s", failure.getClass().getName());
        }
        refused("unauthenticated");
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        Problem.end(ctx.response(), Response.Status.UNAUTHORIZED, null);
    }

    private void refused(String reason) {
        Counter.builder("relay.agent-assist.streams.refused")
                .description("Hint stream requests refused, by reason: unauthenticated, forbidden, capacity")
                .tag("reason", reason).register(registry).increment();
    }

    private void stream(RoutingContext ctx, String conversationId) {
        String lastEventId = blankToNull(ctx.request().getHeader("Last-Event-ID"));
        if (lastEventId == null) {
            lastEventId = blankToNull(ctx.request().getParam("lastEventId"));
        }
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        Vertx vertx = ctx.vertx();
        Context context = vertx.getOrCreateContext();
        AtomicBoolean live = new AtomicBoolean(true);
        HintBroadcaster.Subscription subscription = broadcaster.subscribe(conversationId, lastEventId, hint ->
                context.runOnContext(v -> {
                    if (!live.get()) {
                        return;
                    }
                    if (response.writeQueueFull()) {
                        live.set(false);
                        response.reset();
                        return;
                    }
                    response.write("id: " + hint.id() + "\nevent: hint\ndata: " + hint.json() + "\n\n");
                }));
        // Written once the subscription exists, so a client that reads it knows no hint can be missed from here on;
        // replayed hints are delivered through the context after this handler returns, so they follow it.
        response.write(": connected" + (conversationId == null ? " to all hints" : "") + "\nretry: 2000\n\n");
        long timer = vertx.setPeriodic(heartbeatMillis, id -> context.runOnContext(v -> {
            if (live.get()) {
                response.write(": heartbeat\n\n");
            }
        }));
        AtomicBoolean released = new AtomicBoolean();
        Runnable end = () -> {
            live.set(false);
            if (released.compareAndSet(false, true)) {
                subscription.cancel();
                vertx.cancelTimer(timer);
                open.decrementAndGet();
            }
        };
        response.closeHandler(v -> end.run());
        response.exceptionHandler(e -> end.run());
        if (response.closed()) {
            end.run();
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
