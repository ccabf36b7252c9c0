package io.oprelay.api;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The answers of refused requests, as problem+json without detail: 401 with {@code WWW-Authenticate: Bearer} when no
 * valid credential was presented, 403 when the credential lacks the role (a stream token on the admin API), and 404
 * for paths that match no resource, so that an unknown path tells nothing either.
 */
public class AuthProblems {

    /** The 401 answer: nothing about what was wrong with the credential. */
    public static Response unauthenticated() {
        return Response.fromResponse(Problem.response(Response.Status.UNAUTHORIZED, null))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper(value = {UnauthorizedException.class, AuthenticationFailedException.class})
    public Response noValidCredential() {
        return unauthenticated();
    }

    @ServerExceptionMapper(ForbiddenException.class)
    public Response notAllowed() {
        return Problem.response(Response.Status.FORBIDDEN, null);
    }

    @ServerExceptionMapper(NotFoundException.class)
    public Response noSuchResource() {
        return Problem.response(Response.Status.NOT_FOUND, null);
    }
}
