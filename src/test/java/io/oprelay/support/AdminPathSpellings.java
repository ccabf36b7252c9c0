package io.oprelay.support;

import java.util.ArrayList;
import java.util.List;

/**
 * Ways to write the request target of an admin API path that a router, a proxy or a path check may read differently:
 * absolute and other non-origin forms, percent-encoded letters and slashes, double encoding, dot segments, matrix
 * parameters, doubled and trailing slashes, other letter case. None may reach a resource without the key.
 */
public final class AdminPathSpellings {

    /** One spelling of a request target and whether it is in origin form (starts with {@code /}). */
    public record Spelling(String target, boolean originForm) {
    }

    private AdminPathSpellings() {
    }

    /** Spellings of {@code /api/<rest>}, for example {@code rest = "feeds"}; the canonical one first. */
    public static List<Spelling> of(String rest) {
        String path = "/api/" + rest;
        List<Spelling> all = new ArrayList<>();
        for (String target : List.of(path, "/%61pi/" + rest, "/%61%70%69/" + rest, "/ap%69/" + rest,
                "/%41pi/" + rest, "/API/" + rest, "/Api/" + rest, "//api/" + rest, "/api//" + rest,
                "/./api/" + rest, "/x/../api/" + rest, "/%2e%2e/api/" + rest, "/api/./" + rest,
                "/api/%2e/" + rest, "/%2e/api/" + rest, "/api;x=1/" + rest, path + ";x=1", path + "/",
                "/api%2f" + rest, "/api%2F" + rest, "/%2561pi/" + rest, "/%252561pi/" + rest, "/api/x/../" + rest,
                path + "?x=1")) {
            all.add(new Spelling(target, true));
        }
        for (String target : List.of("HTTP://x" + path, "http://x" + path, "HTTPS://x" + path, "https://x" + path,
                "hTtP://localhost" + path, "http://x:80" + path, "http:" + path, "x" + path, "api/" + rest,
                "localhost:80", "*")) {
            all.add(new Spelling(target, false));
        }
        return all;
    }
}
