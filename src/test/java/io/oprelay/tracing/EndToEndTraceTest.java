package io.oprelay.tracing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.oprelay.events.TopicsConfig;
import io.oprelay.poller.PollerService;
import io.oprelay.routing.ResultEvents;
import io.oprelay.routing.RoutingWebhookResource;
import io.oprelay.routing.SampleResults;
import io.oprelay.simulator.Simulator;
import io.oprelay.support.RuleExecutionWebhooks;
import io.oprelay.support.Waits;
import io.quarkus.logging.json.runtime.JsonFormatter;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One result pushed by a signed Rule Execution webhook is one connected trace: the webhook request's server span,
 * the transaction that published it, the router's action spans, the SSE hand-out of the hint and the workflow
 * webhook (whose receiver gets {@code traceparent}); and a plain downstream consumer of the result topic reads a
 * valid {@code traceparent} of that trace. A log line written inside a span of the relay's own threads carries its
 * ids in the JSON log.
 */
@QuarkusTest
@TestProfile(TracingProfile.class)
class EndToEndTraceTest {

    /** W3C trace context: version, trace id, parent span id, flags. */
    static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]");
    static final String WORKFLOW_PATH = "/workflow/traced";

    @Inject
    Simulator simulator;
    @Inject
    PollerService poller;
    @Inject
    TopicsConfig topics;
    @Inject
    CollectedSpans spans;
    @Inject
    Tracing tracing;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    ResultEvents reader;
    WireMockServer receiver;

    @BeforeEach
    void open() {
        RuleExecutionWebhooks.awaitDefaultFeedRunsHere(poller);
        reader = new ResultEvents(kafka);
        receiver = RoutingWebhookResource.server();
        receiver.stubFor(post(urlEqualTo(WORKFLOW_PATH)).willReturn(aResponse().withStatus(204)));
    }

    @AfterEach
    void close() {
        reader.close();
        simulator.setEnabled(true);
    }

    @Test
    void aWebhookResultIsOneTraceFromTheRequestToTheHintItsSseHandOutAndTheWorkflowWebhook() {
        simulator.setEnabled(false);
        String conversation = SampleResults.conversationId();
        ObjectNode result = SampleResults.classification(conversation, "traced-escalation");
        String id = simulator.put(result.toString().getBytes(StandardCharsets.UTF_8));

        RuleExecutionWebhooks.postSigned(RuleExecutionWebhooks.body(simulator, List.of(id))).then().statusCode(200);

        // A plain downstream consumer of the result topic reads the trace context.
        ConsumerRecord<String, byte[]> event = await().atMost(Waits.seconds(20))
                .until(() -> reader.readKey(topics.classification(), conversation), list -> !list.isEmpty()).get(0);
        Matcher eventTrace = traceparent(ResultEvents.header(event, Tracing.TRACEPARENT));
        String traceId = eventTrace.group(1);

        // The workflow receiver continues the same trace.
        LoggedRequest call = await().atMost(Waits.seconds(20)).until(() -> receiver.findAll(
                postRequestedFor(urlEqualTo(WORKFLOW_PATH))).stream()
                .filter(r -> r.getBodyAsString().contains(id)).findFirst(), Optional::isPresent).get();
        Matcher callTrace = traceparent(call.getHeader(Tracing.TRACEPARENT));
        assertThat(callTrace.group(1)).as("trace id the workflow receiver got").isEqualTo(traceId);

        // So do the hint and the command records.
        ConsumerRecord<String, byte[]> hint = await().atMost(Waits.seconds(20))
                .until(() -> reader.readKey("agent-assist.hints", conversation), list -> !list.isEmpty()).get(0);
        Matcher hintTrace = traceparent(ResultEvents.header(hint, Tracing.TRACEPARENT));
        assertThat(hintTrace.group(1)).isEqualTo(traceId);
        ConsumerRecord<String, byte[]> command = await().atMost(Waits.seconds(20))
                .until(() -> reader.readKey("workflow.actions", conversation), list -> !list.isEmpty()).get(0);
        assertThat(traceparent(ResultEvents.header(command, Tracing.TRACEPARENT)).group(1)).isEqualTo(traceId);

        List<SpanData> trace = await().atMost(Waits.seconds(20)).until(() -> spans.ofTrace(traceId),
                list -> names(list).containsAll(Set.of("publish", "action", "POST", "sse"))
                        && list.stream().anyMatch(span -> span.getKind() == SpanKind.SERVER));
        Map<String, SpanData> byId = trace.stream().collect(Collectors.toMap(SpanData::getSpanId, span -> span));

        SpanData server = trace.stream().filter(span -> span.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertThat(server.getName()).contains(RuleExecutionWebhooks.PATH);
        assertThat(server.getParentSpanContext().isValid()).as("the webhook request starts the trace").isFalse();
        List<SpanData> roots = trace.stream().filter(span -> !byId.containsKey(span.getParentSpanId())).toList();
        assertThat(roots).as("every span of the trace hangs from the webhook request").containsExactly(server);

        SpanData publish = only(trace, "publish");
        assertThat(publish.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(publish.getAttributes().get(Tracing.PATH)).isEqualTo("webhook");
        assertThat(eventTrace.group(2)).as("the event carries the publish span").isEqualTo(publish.getSpanId());

        List<SpanData> actions = trace.stream().filter(span -> span.getName().equals("action")).toList();
        assertThat(actions).extracting(span -> span.getAttributes().get(Tracing.ACTION_TYPE))
                .containsExactlyInAnyOrder("agent-assist", "workflow");
        assertThat(actions).allSatisfy(action -> {
            assertThat(action.getParentSpanId()).isEqualTo(publish.getSpanId());
            assertThat(action.getAttributes().get(Tracing.RULE)).isEqualTo("traced-escalation");
        });
        SpanData hintAction = action(actions, "agent-assist");
        SpanData workflowAction = action(actions, "workflow");
        assertThat(hintTrace.group(2)).isEqualTo(hintAction.getSpanId());

        SpanData delivery = only(trace, "POST");
        assertThat(delivery.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(delivery.getParentSpanId()).isEqualTo(workflowAction.getSpanId());
        List<LoggedRequest> attempts = receiver.findAll(postRequestedFor(urlEqualTo(WORKFLOW_PATH))).stream()
                .filter(r -> r.getBodyAsString().contains(id)).toList();
        assertThat(delivery.getAttributes().get(Tracing.ATTEMPTS)).isEqualTo((long) attempts.size());
        assertThat(attempts).extracting(r -> r.getHeader(Tracing.TRACEPARENT)).as("the same on every attempt")
                .containsOnly(call.getHeader(Tracing.TRACEPARENT));
        assertThat(delivery.getAttributes().get(Tracing.OUTCOME)).isEqualTo("delivered");
        assertThat(delivery.getAttributes().get(Tracing.HTTP_STATUS)).isEqualTo(204L);
        assertThat(callTrace.group(2)).as("the receiver's parent is the delivery span").isEqualTo(delivery.getSpanId());

        SpanData sse = only(trace, "sse");
        assertThat(sse.getParentSpanId()).isEqualTo(hintAction.getSpanId());

        // The router's batch is a trace of its own, linked to the result it routed.
        await().atMost(Waits.seconds(10)).until(() -> spans.all().stream()
                .filter(span -> span.getName().equals("process"))
                .flatMap(span -> span.getLinks().stream()).map(LinkData::getSpanContext)
                .anyMatch(link -> link.getTraceId().equals(traceId) && link.getSpanId().equals(publish.getSpanId())));
    }

    @Test
    void aLogLineOfTheRelaysOwnThreadsInsideASpanCarriesTheTraceAndSpanIdsInTheJsonLog() throws Exception {
        List<ExtLogRecord> captured = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record instanceof ExtLogRecord ext) {
                    ext.copyMdc();
                    captured.add(ext);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("io.oprelay.tracing.LogCheck");
        log.addHandler(capture);
        Span span = tracing.span("log-check", SpanKind.INTERNAL).startSpan();
        Thread relayThread = new Thread(() -> {
            try (Scope ignored = tracing.activate(span)) {
                Logger.getLogger("io.oprelay.tracing.LogCheck").info("inside a span");
            } finally {
                span.end();
            }
            Logger.getLogger("io.oprelay.tracing.LogCheck").info("after the span");
        }, "relay-log-check");
        try {
            relayThread.start();
            relayThread.join();
        } finally {
            log.removeHandler(capture);
        }
        assertThat(captured).hasSize(2);
        JsonFormatter json = new JsonFormatter();
        JsonNode inside = SampleResults.MAPPER.readTree(json.format(captured.get(0)));
        assertThat(inside.path("mdc").path("traceId").asText()).isEqualTo(span.getSpanContext().getTraceId());
        assertThat(inside.path("mdc").path("spanId").asText()).isEqualTo(span.getSpanContext().getSpanId());
        JsonNode after = SampleResults.MAPPER.readTree(json.format(captured.get(1)));
        assertThat(after.path("mdc").has("traceId")).as("ids leave the log context with the span").isFalse();
    }

    @Test
    void theRouterContinuesAnUpstreamTraceAndADeadLetterCarriesTheFailedDeliveryInPlaceOfItsSource() {
        String conversation = SampleResults.conversationId();
        String upstreamTrace = String.format("%032x", System.nanoTime()).replace(' ', '0');
        String upstreamSpan = "00f067aa0ba902b7";
        ProducerRecord<String, byte[]> event = ResultEvents.record(topics.classification(),
                SampleResults.classification(conversation, "dead-endpoint"));
        event.headers().add(Tracing.TRACEPARENT, ("00-" + upstreamTrace + "-" + upstreamSpan + "-01")
                .getBytes(StandardCharsets.UTF_8));
        reader.publishRaw(event);

        ConsumerRecord<String, byte[]> letter = await().atMost(Waits.seconds(30)).until(
                () -> reader.readKey("relay.routing.dead-letters", conversation), list -> !list.isEmpty()).get(0);
        assertThat(letter.headers().headers(Tracing.TRACEPARENT)).as("one traceparent, not the source's too")
                .hasSize(1);
        Matcher letterTrace = traceparent(ResultEvents.header(letter, Tracing.TRACEPARENT));
        assertThat(letterTrace.group(1)).as("the upstream trace goes on").isEqualTo(upstreamTrace);
        SpanData delivery = await().atMost(Waits.seconds(20)).until(() -> spans.ofTrace(upstreamTrace).stream()
                .filter(span -> span.getName().equals("POST")).findFirst(), Optional::isPresent).get();
        assertThat(letterTrace.group(2)).isEqualTo(delivery.getSpanId());
        assertThat(delivery.getAttributes().get(Tracing.OUTCOME)).isEqualTo("dead-lettered");
        SpanData action = spans.ofTrace(upstreamTrace).stream()
                .filter(span -> span.getSpanId().equals(delivery.getParentSpanId())).findFirst().orElseThrow();
        assertThat(action.getName()).isEqualTo("action");
        assertThat(action.getParentSpanId()).as("the action's parent is the upstream span").isEqualTo(upstreamSpan);
    }

    @Test
    void aStreamTokenInTheQueryNeverReachesASpan() {
        String token = "stream-token-" + System.nanoTime();
        io.restassured.RestAssured.given().get("/api/feeds?access_token=" + token + "&other=kept")
                .then().statusCode(org.hamcrest.Matchers.greaterThanOrEqualTo(400));
        List<SpanData> requests = await().atMost(Waits.seconds(20)).until(() -> spans.all().stream()
                .filter(span -> span.getKind() == SpanKind.SERVER && span.getName().contains("/api/feeds"))
                .filter(span -> span.getAttributes().toString().contains("other=kept")).toList(), l -> !l.isEmpty());
        assertThat(requests).allSatisfy(span -> assertThat(span.getAttributes().toString())
                .doesNotContain(token).contains("access_token=REDACTED"));
        assertThat(spans.all()).noneSatisfy(span -> assertThat(span.toString()).contains(token));
    }

    private static Matcher traceparent(String value) {
        assertThat(value).as("traceparent").isNotNull();
        Matcher matcher = TRACEPARENT.matcher(value);
        assertThat(matcher.matches()).as("valid traceparent: %s", value).isTrue();
        return matcher;
    }

    private static Set<String> names(List<SpanData> trace) {
        return trace.stream().map(SpanData::getName).collect(Collectors.toSet());
    }

    private static SpanData only(List<SpanData> trace, String name) {
        List<SpanData> named = trace.stream().filter(span -> span.getName().equals(name)).toList();
        assertThat(named).as("spans named %s", name).hasSize(1);
        return named.get(0);
    }

    private static SpanData action(List<SpanData> actions, String type) {
        return actions.stream().filter(span -> type.equals(span.getAttributes().get(Tracing.ACTION_TYPE)))
                .findFirst().orElseThrow();
    }
}
