package io.oprelay.api;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * Requires the admin API key on every request under {@code /api} (matched or not, so unknown paths reveal nothing),
 * sent as {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>} and compared in constant time. Webhooks,
 * health, metrics, schemas and the simulator are outside {@code /api} and not affected.
 */
@Singleton
public class ApiKeyFilter {

    static final String API_KEY_HEADER = "X-API-Key";
    private static final String BEARER = "Bearer ";

    private final ApiConfig config;
    private final byte[] key;

    public ApiKeyFilter(ApiConfig config) {
        this.config = config;
        this.key = config.key().filter(k -> !k.isBlank()).map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    void onStart(@Observes @Priority(Integer.MIN_VALUE + 1) StartupEvent event) {
        if (config.authEnabled() && key == null) {
            throw new ConfigurationException("relay.api.key (env RELAY_API_KEY) is required while"
                    + " relay.api.auth-enabled=true: set it to a long random key for the admin API, for example"
                    + " `openssl rand -hex 24`", Set.of("relay.api.key"));
        }
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> requireKey(ContainerRequestContext request) {
        if (!config.authEnabled() || !protects(request.getUriInfo().getRequestUri().getRawPath())) {
            return Optional.empty();
        }
        if (key != null && (matches(bearer(request.getHeaderString(HttpHeaders.AUTHORIZATION)))
                || matches(request.getHeaderString(API_KEY_HEADER)))) {
            return Optional.empty();
        }
        return Optional.of(Response.fromResponse(Problem.response(Response.Status.UNAUTHORIZED, null))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
    }

    static boolean protects(String path) {
        return path != null && (path.equals("/api") || path.startsWith("/api/"));
    }

    private static String bearer(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return authorization.substring(BEARER.length()).trim();
    }

    private boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(key, presented.getBytes(StandardCharsets.UTF_8));
    }
}
