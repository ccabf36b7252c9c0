package io.oprelay.support;

import io.quarkus.test.common.QuarkusTestResource;

/**
 * Registers the test broker and a free HTTP port for every {@code @QuarkusTest} that does not opt out through its
 * profile (one that does sets {@code quarkus.http.test-port} itself, from {@link TestHttpPort#port()}).
 */
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(TestHttpPort.class)
public final class GlobalKafkaBroker {
    private GlobalKafkaBroker() {
    }
}
