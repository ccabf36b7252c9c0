package io.oprelay.routing;

import io.quarkus.test.common.QuarkusTestResource;

/** Registers the routing webhook receivers and test rules for every {@code @QuarkusTest} (one shared boot). */
@QuarkusTestResource(RoutingWebhookResource.class)
public final class GlobalRoutingWebhooks {
    private GlobalRoutingWebhooks() {
    }
}
