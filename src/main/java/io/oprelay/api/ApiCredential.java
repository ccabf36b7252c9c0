package io.oprelay.api;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/**
 * A credential presented to the relay, as {@link ApiKeyAuthenticationMechanism} found it: the value and what it may
 * be. {@code X-API-Key} carries only keys, {@code ?access_token=} only stream tokens (keys never travel in URLs),
 * {@code Authorization: Bearer} either.
 */
public class ApiCredential extends BaseAuthenticationRequest {

    /** What a presented value may be, by where it was sent. */
    public enum Kind {
        KEY, TOKEN, KEY_OR_TOKEN;

        boolean mayBeKey() {
            return this != TOKEN;
        }

        boolean mayBeToken() {
            return this != KEY;
        }
    }

    private final String value;
    private final Kind kind;

    public ApiCredential(String value, Kind kind) {
        this.value = value;
        this.kind = kind;
    }

    public String value() {
        return value;
    }

    public Kind kind() {
        return kind;
    }

    /** Never the value: a credential must not reach a log line through its string form. */
    @Override
    public String toString() {
        return "ApiCredential[" + kind + "]";
    }
}
