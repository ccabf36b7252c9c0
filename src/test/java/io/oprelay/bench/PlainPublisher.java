package io.oprelay.bench;

import io.oprelay.kafka.KafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The baseline of the publishing benchmark: one plain idempotent producer with every setting of the relay's feed
 * publishers but the transactional id, writing to copies of the relay's topics (same partition count, same topic
 * configs as read from the broker). Created and warmed before anything is timed, and reused.
 */
final class PlainPublisher implements AutoCloseable {

    private final Map<String, String> copies = new HashMap<>();
    private final Map<String, Object> settings;
    private final KafkaProducer<String, byte[]> producer;

    /**
     * @param relayTopics the topics the relay publishes results to; each gets a copy named {@code <topic>.plain}
     * @param batchSize   the batch size the relay's publishers use (bounded by the smallest topic limit)
     * @param linger      the relay publishers' {@code linger.ms}
     */
    PlainPublisher(KafkaClients clients, Collection<String> relayTopics, int batchSize, Duration linger)
            throws Exception {
        try (Admin admin = clients.admin("bench-plain-topics")) {
            Map<String, TopicDescription> described = admin.describeTopics(relayTopics).allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            List<ConfigResource> resources = relayTopics.stream()
                    .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
            List<NewTopic> wanted = new ArrayList<>();
            for (String topic : relayTopics) {
                String copy = topic + ".plain";
                copies.put(topic, copy);
                TopicDescription description = described.get(topic);
                Map<String, String> own = new TreeMap<>();
                for (ConfigEntry entry : configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic)).entries()) {
                    if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                        own.put(entry.name(), entry.value());
                    }
                }
                short replicas = (short) description.partitions().get(0).replicas().size();
                wanted.add(new NewTopic(copy, Optional.of(description.partitions().size()), Optional.of(replicas))
                        .configs(own));
            }
            admin.createTopics(wanted).all().get(30, TimeUnit.SECONDS);
            for (NewTopic topic : wanted) {
                System.out.printf("PublishBenchmark baseline topic %s: %d partitions, configs %s%n", topic.name(),
                        topic.numPartitions(), topic.configs());
            }
        }
        settings = new HashMap<>(clients.publisherSettings("bench-plain-producer", batchSize, linger));
        producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
    }

    /** The producer's settings, for the record (connection settings left out). */
    Map<String, Object> settings() {
        Map<String, Object> shown = new TreeMap<>(settings);
        shown.remove(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
        return shown;
    }

    /** Sends the records (key, value, headers as published) to the copies of their topics; returns the seconds. */
    double send(List<ConsumerRecord<String, byte[]>> records) {
        List<ProducerRecord<String, byte[]>> copies = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            copies.add(new ProducerRecord<>(copyOf(record.topic()), null, record.key(), record.value(),
                    record.headers()));
        }
        long began = System.nanoTime();
        for (ProducerRecord<String, byte[]> record : copies) {
            producer.send(record);
        }
        producer.flush();
        return (System.nanoTime() - began) / 1e9;
    }

    private String copyOf(String topic) {
        String copy = this.copies.get(topic);
        if (copy == null) {
            throw new IllegalArgumentException("not a result topic of the relay: " + topic);
        }
        return copy;
    }

    @Override
    public void close() {
        producer.close();
    }
}
