package io.oprelay.api;

import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Requires the admin API key on every request under {@code /api} (matched or not, so unknown paths reveal nothing),
 * sent as {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}. Webhooks, health, metrics, schemas and
 * the simulator are outside {@code /api} and not affected. The keys are looked up per request because filters are
 * built before the run-time configuration is read.
 */
@Singleton
public class ApiKeyFilter {

    static final String API_KEY_HEADER = "X-API-Key";
    private static final String BEARER = "Bearer ";

    private final Provider<ApiKeys> keys;

    public ApiKeyFilter(Provider<ApiKeys> keys) {
        this.keys = keys;
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> requireKey(ContainerRequestContext request) {
        if (!protects(canonical(request.getUriInfo().getRequestUri().getRawPath()))) {
            return Optional.empty();
        }
        ApiKeys current = keys.get();
        if (!current.required() || current.accepts(bearer(request.getHeaderString(HttpHeaders.AUTHORIZATION)))
                || current.accepts(request.getHeaderString(API_KEY_HEADER))) {
            return Optional.empty();
        }
        return Optional.of(Response.fromResponse(Problem.response(Response.Status.UNAUTHORIZED, null))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
    }

    static boolean protects(String path) {
        return path != null && (path.equals("/api") || path.startsWith("/api/"));
    }

    /**
     * The path as a router may come to see it: percent-escapes decoded (until nothing changes, so a double
     * encoding cannot hide {@code /api} either), matrix parameters dropped, empty and {@code .} segments removed and
     * {@code ..} resolved. The check is on this form, so no spelling of an {@code /api} path slips past it.
     */
    static String canonical(String rawPath) {
        if (rawPath == null) {
            return null;
        }
        String decoded = rawPath;
        for (int round = 0; round < 4 && decoded.indexOf('%') >= 0; round++) {
            String next = decode(decoded);
            if (next.equals(decoded)) {
                break;
            }
            decoded = next;
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : decoded.split("/")) {
            int matrix = segment.indexOf(';');
            String name = matrix >= 0 ? segment.substring(0, matrix) : segment;
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(name);
            }
        }
        return "/" + String.join("/", segments);
    }

    private static String decode(String path) {
        try {
            return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformedEscape) {
            return path;
        }
    }

    private static String bearer(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return authorization.substring(BEARER.length()).trim();
    }
}
