package io.oprelay.api;

import io.quarkus.security.identity.SecurityIdentity;

import java.util.Optional;

/**
 * Which hint streams an identity may open: those of one conversation, or all ({@code conversationId} null). Carried
 * by the identity as an attribute, so the stream decides on the identity, never on the request's path.
 */
public record StreamScope(String conversationId) {

    /** Every stream: API keys and supervisor tokens. */
    public static final StreamScope ALL = new StreamScope(null);

    /** The identity attribute holding the scope. */
    public static final String ATTRIBUTE = "io.oprelay.stream-scope";

    /** The scope an identity carries; empty for anonymous ones and those without stream rights. */
    public static Optional<StreamScope> of(SecurityIdentity identity) {
        return identity == null || identity.isAnonymous() ? Optional.empty()
                : Optional.ofNullable(identity.getAttribute(ATTRIBUTE));
    }

    public boolean all() {
        return conversationId == null;
    }

    /** Whether the stream of {@code requested} (null: the stream of all hints) may be opened. */
    public boolean allows(String requested) {
        return all() || conversationId.equals(requested);
    }
}
