package io.oprelay.actions;

import io.oprelay.routing.ResultEvents;
import io.oprelay.routing.SampleResults;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The Kafka floor of the real-time path, with plain clients on the same broker: a transactional producer writes a
 * result and commits; a forwarder ({@code read_committed}) reads it and, in a transaction that also carries its
 * consumer offsets (as exactly-once consume-transform-produce must), writes a hint of the relay's hint size and
 * commits; a reader ({@code read_committed}) reads the hint. Topics are created with the partition counts of the
 * relay's result and hints topics. The consumers fetch with the relay's latency settings and the producers do not
 * linger.
 */
final class RealtimeFloor implements AutoCloseable {

    /** {@code fetch.max.wait.ms} of the floor's consumers: the same as the relay's latency-path consumers. */
    static final int FETCH_MAX_WAIT_MS = Integer.getInteger("relay.bench.floor.fetch-max-wait-ms", 10);

    private final Admin admin;
    private final String results;
    private final String hints;
    private final byte[] hintValue;
    private final Map<String, Object> common;
    private final KafkaProducer<String, byte[]> publisher;
    private final BlockingQueue<Long> read = new LinkedBlockingQueue<>();
    private final Thread forwarder;
    private final Thread reader;
    private volatile KafkaConsumer<String, byte[]> forwarderConsumer;
    private volatile KafkaConsumer<String, byte[]> readerConsumer;
    private final CountDownLatch positioned = new CountDownLatch(2);
    private volatile boolean running = true;
    private volatile Throwable failure;

    private RealtimeFloor(String bootstrap, String resultTopic, String hintTopic, byte[] hintValue) throws Exception {
        this.common = Map.of("bootstrap.servers", bootstrap);
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        String suffix = "-floor-" + UUID.randomUUID();
        this.results = resultTopic + suffix;
        this.hints = hintTopic + suffix;
        this.hintValue = hintValue;
        Map<String, TopicDescription> relayTopics = admin.describeTopics(List.of(resultTopic, hintTopic))
                .allTopicNames().get(30, TimeUnit.SECONDS);
        admin.createTopics(List.of(
                new NewTopic(results, relayTopics.get(resultTopic).partitions().size(), (short) 1),
                new NewTopic(hints, relayTopics.get(hintTopic).partitions().size(), (short) 1)))
                .all().get(30, TimeUnit.SECONDS);
        publisher = transactional("floor-publisher");
        publisher.initTransactions();
        forwarder = new Thread(this::forward, "floor-forwarder");
        reader = new Thread(this::readHints, "floor-reader");
    }

    /** Creates the floor's topics and clients and starts its forwarder and reader. */
    static RealtimeFloor start(String bootstrap, String resultTopic, String hintTopic, byte[] hintValue)
            throws Exception {
        RealtimeFloor floor = new RealtimeFloor(bootstrap, resultTopic, hintTopic, hintValue);
        floor.forwarder.start();
        floor.reader.start();
        if (!floor.positioned.await(30, TimeUnit.SECONDS)) {
            floor.close();
            throw new AssertionError("the floor's consumers did not take their positions within 30 s", floor.failure);
        }
        return floor;
    }

    /**
     * Sends {@code count} new results one at a time, each after the previous one's hint was read, and returns the
     * nanoseconds from just before each send to the read of its hint.
     */
    long[] measure(int count) throws InterruptedException {
        String conversation = SampleResults.conversationId();
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            ProducerRecord<String, byte[]> result = ResultEvents.record(results,
                    SampleResults.classification(conversation, "angry"));
            long sent = System.nanoTime();
            publisher.beginTransaction();
            publisher.send(result);
            publisher.commitTransaction();
            Long got = read.poll(10, TimeUnit.SECONDS);
            if (got == null) {
                throw new AssertionError("the floor's hint " + i + " was not read within 10 s", failure);
            }
            nanos[i] = got - sent;
        }
        return nanos;
    }

    /** Reads each committed result and writes its hint in a transaction with the consumer's offsets. */
    private void forward() {
        try (KafkaConsumer<String, byte[]> consumer = consumer("floor-forwarder", "floor-" + UUID.randomUUID());
             KafkaProducer<String, byte[]> producer = transactional("floor-forwarder")) {
            forwarderConsumer = consumer;
            producer.initTransactions();
            assignAtEnd(consumer, results);
            while (running) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<String, byte[]> record : records) {
                    producer.send(new ProducerRecord<>(hints, record.key(), hintValue));
                    offsets.put(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
            }
        } catch (WakeupException stopping) {
            // closed
        } catch (Throwable e) {
            failure = e;
        }
    }

    /** Reads committed hints and notes when each was read. */
    private void readHints() {
        try (KafkaConsumer<String, byte[]> consumer = consumer("floor-reader", null)) {
            readerConsumer = consumer;
            assignAtEnd(consumer, hints);
            while (running) {
                for (ConsumerRecord<String, byte[]> ignored : consumer.poll(Duration.ofMillis(500))) {
                    read.add(System.nanoTime());
                }
            }
        } catch (WakeupException stopping) {
            // closed
        } catch (Throwable e) {
            failure = e;
        }
    }

    private void assignAtEnd(KafkaConsumer<String, byte[]> consumer, String topic) {
        List<TopicPartition> partitions = IntStream.range(0, consumer.partitionsFor(topic).size())
                .mapToObj(p -> new TopicPartition(topic, p)).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        positioned.countDown();
    }

    private KafkaConsumer<String, byte[]> consumer(String clientId, String groupId) {
        Map<String, Object> props = new HashMap<>(common);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        if (groupId != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<String, byte[]> transactional(String name) {
        Map<String, Object> props = new HashMap<>(common);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, name + "-" + UUID.randomUUID());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, name);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void close() throws Exception {
        running = false;
        for (KafkaConsumer<String, byte[]> c : new KafkaConsumer[] {forwarderConsumer, readerConsumer}) {
            if (c != null) {
                c.wakeup();
            }
        }
        forwarder.join(10_000);
        reader.join(10_000);
        publisher.close(Duration.ofSeconds(5));
        admin.deleteTopics(List.of(results, hints)).all().get(30, TimeUnit.SECONDS);
        admin.close(Duration.ofSeconds(5));
        if (failure != null) {
            throw new AssertionError("the floor's clients failed", failure);
        }
    }
}
