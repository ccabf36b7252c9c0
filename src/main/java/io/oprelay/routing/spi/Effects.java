package io.oprelay.routing.spi;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.List;

/**
 * What one action does for one result.
 *
 * @param records  Kafka records to publish, inside the router's transaction (exactly once)
 * @param deliveries HTTP deliveries to make, at least once, with retries; dead-lettered when they all fail
 * @param output   the hint or command produced, shown by the dry run
 */
public record Effects(List<ProducerRecord<String, byte[]>> records, List<Delivery> deliveries, Object output) {
}
