package io.oprelay.api;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the relay's credentials in a request: {@code X-API-Key: <key>}, {@code Authorization: Bearer <key or stream
 * token>}, or {@code ?access_token=<stream token>} (a browser's {@code EventSource} cannot send headers). Other
 * {@code Authorization} schemes, such as the simulator's Basic credentials, are not its business: no identity, no
 * failure. Which resource needs which role is decided by the resources' annotations, never by paths here. While
 * {@code relay.api.auth-enabled=false} (the local run) every request is given the admin identity, explicitly, so the
 * annotations still apply.
 */
@Singleton
public class ApiKeyAuthenticationMechanism implements HttpAuthenticationMechanism {

    static final String API_KEY_HEADER = "X-API-Key";
    static final String ACCESS_TOKEN_PARAMETER = "access_token";
    private static final String BEARER = "Bearer ";

    private final ApiKeys keys;

    public ApiKeyAuthenticationMechanism(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        if (!keys.required()) {
            return Uni.createFrom().item(ApiIdentityProvider.admin("local-run"));
        }
        ApiCredential credential;
        try {
            credential = credential(context);
        } catch (AuthenticationFailedException ambiguous) {
            return Uni.createFrom().failure(ambiguous);
        }
        if (credential == null) {
            return Uni.createFrom().optional(Optional.empty());
        }
        return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(credential, context));
    }

    /** The credential a request presents, or null when it presents none of the relay's. */
    static ApiCredential credential(RoutingContext context) {
        HttpServerRequest request = context.request();
        List<String> apiKeys = request.headers().getAll(API_KEY_HEADER);
        if (!apiKeys.isEmpty()) {
            return new ApiCredential(single(apiKeys), ApiCredential.Kind.KEY);
        }
        List<String> authorizations = request.headers().getAll(HttpHeaders.AUTHORIZATION);
        if (authorizations.size() == 1 && authorizations.get(0).regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return new ApiCredential(authorizations.get(0).substring(BEARER.length()).trim(),
                    ApiCredential.Kind.KEY_OR_TOKEN);
        }
        List<String> tokens = context.queryParam(ACCESS_TOKEN_PARAMETER);
        if (!tokens.isEmpty()) {
            return new ApiCredential(single(tokens), ApiCredential.Kind.TOKEN);
        }
        return null;
    }

    /** One value; two of the same credential are refused rather than guessed between. */
    private static String single(List<String> values) {
        if (values.size() != 1) {
            throw new AuthenticationFailedException();
        }
        return values.get(0).trim();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiCredential.class);
    }
}
