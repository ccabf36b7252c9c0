package io.oprelay.routing;

import io.oprelay.kafka.KafkaClients;
import io.oprelay.kafka.TopicProvisioner;
import io.oprelay.supervision.Supervised;
import io.oprelay.supervision.Supervisor;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The router's topics go through the one topic-creation routine, whose failures are not swallowed: a topic the broker
 * refuses makes the provisioner throw, and the router keeps trying in the background until the topic exists.
 */
@QuarkusTest
class RoutingTopicsTest {

    @Inject
    TopicProvisioner provisioner;

    @Inject
    KafkaClients clients;

    @Inject
    Supervisor supervisor;

    @Test
    void aRefusedTopicIsRetriedInTheBackgroundUntilItIsCreated() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String wanted = "routing-topics." + run;
        String blocker = "routing-topics_" + run;
        try (Admin admin = clients.admin("routing-topics-test")) {
            // Kafka refuses a topic whose name differs from an existing one only by '.' against '_'.
            admin.createTopics(List.of(new NewTopic(blocker, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            List<NewTopic> topics = List.of(provisioner.newTopic(wanted, 2));

            assertThatThrownBy(() -> provisioner.ensure(topics)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(InvalidTopicException.class);

            Optional<Supervised> retries = new RoutingTopics(provisioner, topics).ensure(supervisor);
            assertThat(retries).as("the failure starts background retries").isPresent();
            try {
                assertThat(names(admin)).doesNotContain(wanted);
                admin.deleteTopics(List.of(blocker)).all().get(30, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(30)).until(() -> names(admin).contains(wanted));
                assertThat(admin.describeTopics(List.of(wanted)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(wanted).partitions()).hasSize(2);
                await().atMost(Duration.ofSeconds(5)).until(() -> !retries.get().alive());
            } finally {
                retries.get().stop();
                retries.get().interrupt();
            }
        }
    }

    @Test
    void topicsThatCanBeCreatedAreCreatedAtOnceWithoutBackgroundRetries() throws Exception {
        String wanted = "routing-topics-ok." + UUID.randomUUID().toString().substring(0, 8);
        Optional<Supervised> retries = new RoutingTopics(provisioner, List.of(provisioner.newTopic(wanted, 1)))
                .ensure(supervisor);
        assertThat(retries).isEmpty();
        try (Admin admin = clients.admin("routing-topics-test")) {
            // Created means the broker's controller has it; a new client may need a moment of metadata to list it.
            await().atMost(Duration.ofSeconds(5)).until(() -> names(admin).contains(wanted));
        }
    }

    private static Set<String> names(Admin admin) throws Exception {
        return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    }
}
