package io.oprelay.twilio;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Readiness of the Twilio side: DOWN once Twilio rejected the credentials (401 or 403), UP again after the next
 * successful call. The answer names the settings to fix, never their values.
 */
@Readiness
@ApplicationScoped
public class TwilioReadiness implements HealthCheck {

    static final String NAME = "Twilio Intelligence API";
    static final String FIX = "Twilio rejected the credentials: check relay.twilio.username and relay.twilio.password "
            + "(env RELAY_TWILIO_USERNAME and RELAY_TWILIO_PASSWORD): an API Key SID and its secret, "
            + "or an Account SID and its Auth Token";

    /** 0 while no authentication failure is pending, else the status of the last rejection. */
    private final AtomicInteger rejectedStatus = new AtomicInteger();

    /** A call went through: the credentials work. */
    public void callSucceeded() {
        rejectedStatus.set(0);
    }

    /** Twilio answered 401 or 403. */
    public void credentialsRejected(int status) {
        rejectedStatus.set(status);
    }

    /** True while the last verdict on the credentials is a rejection. */
    public boolean credentialsRejected() {
        return rejectedStatus.get() != 0;
    }

    @Override
    public HealthCheckResponse call() {
        int status = rejectedStatus.get();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME);
        if (status == 0) {
            return builder.up().build();
        }
        return builder.down().withData("status", status).withData("reason", FIX).build();
    }
}
