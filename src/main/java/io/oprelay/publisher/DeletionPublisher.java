package io.oprelay.publisher;

import io.oprelay.events.ResultEvents;
import io.oprelay.kafka.KafkaClients;
import io.oprelay.twilio.RawResult;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes the event announcing that a result was deleted at Twilio through the relay, on the topic of its format,
 * with an idempotent producer ({@code acks=all}), and waits for the broker's acknowledgement.
 */
@ApplicationScoped
public class DeletionPublisher {

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaClients clients;
    private final ResultEvents events;
    private KafkaProducer<String, byte[]> producer;

    public DeletionPublisher(KafkaClients clients, ResultEvents events) {
        this.clients = clients;
        this.events = events;
    }

    /** @throws PublishFailedException when Kafka did not acknowledge the event */
    public void deleted(RawResult result) {
        try {
            producer().send(events.deleted(result)).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("interrupted while publishing the deletion of " + result.id(), e);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new PublishFailedException("the deletion event of " + result.id() + " was not acknowledged: "
                    + cause.getMessage(), cause);
        }
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = clients.idempotentProducer("relay-deletions");
        }
        return producer;
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
