package io.oprelay.support;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/** Requests to the admin API ({@code /api/**}) with the test profile's key. */
public final class Api {

    /** {@code %test.relay.api.key}; the packaged app started by ITs gets it too. */
    public static final String KEY = "test-api-key";

    private Api() {
    }

    public static RequestSpecification given() {
        return RestAssured.given().header("X-API-Key", KEY);
    }
}
