package io.oprelay.routing;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The routing benchmark's anchor: what a user would write instead of the router, a Kafka Streams application with
 * {@code processing.guarantee=exactly_once_v2} that runs the relay's own {@link RoutingEngine} on each result event
 * and writes the very records the router writes (topic, key, value, headers), dead letters included. Only the
 * runtime differs: Streams' consume-process-produce loop and commit interval instead of the router's.
 */
final class StreamsRouting {

    private StreamsRouting() {
    }

    /** A topology reading {@code input} and writing each engine output to its own topic, one sink per output topic. */
    static Topology topology(String input, RoutingEngine engine, List<String> outputTopics, long maxRecordBytes) {
        Topology topology = new Topology();
        topology.addSource("results", new StringDeserializer(), new ByteArrayDeserializer(), input);
        topology.addProcessor("route", () -> new Route(engine, maxRecordBytes), "results");
        for (String topic : outputTopics) {
            topology.addSink(sink(topic), topic, new StringSerializer(), new ByteArraySerializer(), "route");
        }
        return topology;
    }

    /** Streams settings: exactly-once v2, {@code threads} stream threads, everything else Streams' defaults. */
    static Map<String, Object> settings(Map<String, Object> base, String applicationId, int threads, Path stateDir) {
        Map<String, Object> settings = new HashMap<>(base);
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        settings.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        settings.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        return settings;
    }

    private static String sink(String topic) {
        return "to-" + topic;
    }

    private static final class Route implements Processor<String, byte[], String, byte[]> {
        private final RoutingEngine engine;
        private final long maxRecordBytes;
        private ProcessorContext<String, byte[]> context;

        Route(RoutingEngine engine, long maxRecordBytes) {
            this.engine = engine;
            this.maxRecordBytes = maxRecordBytes;
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, byte[]> record) {
            RecordMetadata at = context.recordMetadata().orElseThrow();
            ConsumerRecord<String, byte[]> consumed = new ConsumerRecord<>(at.topic(), at.partition(), at.offset(),
                    record.timestamp(), TimestampType.CREATE_TIME, -1, -1, record.key(), record.value(),
                    record.headers(), Optional.empty());
            RoutingEngine.Routed routed = engine.route(consumed, maxRecordBytes, new RoutingMetrics.Batch());
            if (!routed.deliveries().isEmpty()) {
                throw new IllegalStateException("the benchmark's rules call no webhooks");
            }
            for (ProducerRecord<String, byte[]> out : routed.records()) {
                context.forward(new Record<>(out.key(), out.value(), record.timestamp(), out.headers()),
                        sink(out.topic()));
            }
        }
    }
}
