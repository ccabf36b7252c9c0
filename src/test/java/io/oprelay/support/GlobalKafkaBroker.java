package io.oprelay.support;

import io.quarkus.test.common.QuarkusTestResource;

/** Registers the test broker for every {@code @QuarkusTest} that does not opt out through its profile. */
@QuarkusTestResource(KafkaBrokerResource.class)
public final class GlobalKafkaBroker {
    private GlobalKafkaBroker() {
    }
}
