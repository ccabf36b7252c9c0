package io.oprelay.actions;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Server-Sent Events for agent desktops: {@code GET /agent-assist/stream?conversationId=...} streams the hints of
 * one conversation, {@code GET /agent-assist/stream} (no parameter) every hint, for supervisors. Events are
 * {@code id: <partition>-<offset>}, {@code event: hint}, {@code data: <hint JSON>}; a comment line is sent every
 * {@code relay.actions.agent-assist.heartbeat}; {@code Last-Event-ID} (header, or the {@code lastEventId} query
 * parameter) resumes from the in-memory buffer. A client that cannot keep up is disconnected (it resumes with
 * Last-Event-ID) so that a slow desktop never holds memory.
 */
@Singleton
public class AgentAssistStreamRoute {

    public static final String PATH = "/agent-assist/stream";

    private final HintBroadcaster broadcaster;
    private final long heartbeatMillis;

    public AgentAssistStreamRoute(HintBroadcaster broadcaster, ActionsConfig config) {
        this.broadcaster = broadcaster;
        this.heartbeatMillis = Math.max(1_000, config.agentAssist().heartbeat().toMillis());
    }

    void register(@Observes Router router) {
        router.get(PATH).handler(this::stream);
    }

    private void stream(RoutingContext ctx) {
        String conversationId = blankToNull(ctx.request().getParam("conversationId"));
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
        AtomicBoolean open = new AtomicBoolean(true);
        HintBroadcaster.Subscription subscription = broadcaster.subscribe(conversationId, lastEventId, hint ->
                context.runOnContext(v -> {
                    if (!open.get()) {
                        return;
                    }
                    if (response.writeQueueFull()) {
                        open.set(false);
                        response.reset();
                        return;
                    }
                    response.write("id: " + hint.id() + "\nevent: hint\ndata: " + hint.json() + "\n\n");
                }));
        // Written once the subscription exists, so a client that reads it knows no hint can be missed from here on;
        // replayed hints are delivered through the context after this handler returns, so they follow it.
        response.write(": connected" + (conversationId == null ? " to all hints" : "") + "\nretry: 2000\n\n");
        long timer = vertx.setPeriodic(heartbeatMillis, id -> context.runOnContext(v -> {
            if (open.get()) {
                response.write(": heartbeat\n\n");
            }
        }));
        response.closeHandler(v -> {
            open.set(false);
            subscription.cancel();
            vertx.cancelTimer(timer);
        });
        response.exceptionHandler(e -> {
            open.set(false);
            subscription.cancel();
            vertx.cancelTimer(timer);
        });
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
