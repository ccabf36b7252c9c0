package io.oprelay.api;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * Turns a presented {@link ApiCredential} into an identity: an API key is the admin (every role, every stream), a
 * stream token may open the hint streams of its scope and nothing else; anything else fails authentication (401).
 */
@Singleton
public class ApiIdentityProvider implements IdentityProvider<ApiCredential> {

    private final ApiKeys keys;
    private final StreamTokens tokens;

    public ApiIdentityProvider(ApiKeys keys, StreamTokens tokens) {
        this.keys = keys;
        this.tokens = tokens;
    }

    /** The identity of an API key holder, and of every caller while auth is disabled. */
    static SecurityIdentity admin(String name) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(name)).addRole(Roles.ADMIN)
                .addAttribute(StreamScope.ATTRIBUTE, StreamScope.ALL).build();
    }

    static SecurityIdentity streamToken(StreamScope scope) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal("stream-token"))
                .addRole(Roles.HINT_STREAM).addAttribute(StreamScope.ATTRIBUTE, scope).build();
    }

    @Override
    public Class<ApiCredential> getRequestType() {
        return ApiCredential.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiCredential credential, AuthenticationRequestContext context) {
        if (credential.kind().mayBeKey() && keys.accepts(credential.value())) {
            return Uni.createFrom().item(admin("api-key"));
        }
        if (credential.kind().mayBeToken()) {
            Optional<StreamScope> scope = tokens.verify(credential.value());
            if (scope.isPresent()) {
                return Uni.createFrom().item(streamToken(scope.get()));
            }
        }
        return Uni.createFrom().failure(new AuthenticationFailedException());
    }
}
