package io.oprelay.twilio;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The last verdict of Twilio on the credentials: rejected (401 or 403) until the next successful call. It is not a
 * readiness check of its own: one rejected admin fetch must not take a pod's webhooks and SSE stream out of service,
 * and every replica shares the credentials, so readiness could only take them all out together. The poller's check
 * and {@code /api/feeds} report a rejection with {@link #FIX}, which names the settings to fix, never their values.
 */
@ApplicationScoped
public class TwilioReadiness {

    /** What to fix when Twilio rejects the credentials. */
    public static final String FIX = "Twilio rejected the credentials: check relay.twilio.username and relay.twilio.password "
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
}
