package io.oprelay.api;

/** The roles the relay's authentication mechanism gives; resources name them in {@code @RolesAllowed}. */
public final class Roles {

    /** An API key (or every request while {@code relay.api.auth-enabled=false}): the admin API and every stream. */
    public static final String ADMIN = "admin";

    /** A stream token: the hint stream of its scope, nothing else. */
    public static final String HINT_STREAM = "hint-stream";

    private Roles() {
    }
}
