package io.oprelay.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** Talks to a simulator over HTTP the way a Twilio client would, for tests that run it as a separate process. */
public final class SimulatorClient {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String baseUrl;
    private final String auth = "Basic " + Base64.getEncoder()
            .encodeToString("SKtest:test-secret".getBytes(StandardCharsets.UTF_8));

    /** @param baseUrl the simulator's base, for example {@code http://localhost:8080/simulator} */
    public SimulatorClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Every result id the simulator holds, walking all pages of the list. */
    public Set<String> allIds() throws IOException, InterruptedException {
        Set<String> ids = new LinkedHashSet<>();
        walk(item -> ids.add(item.path("id").asText()));
        return ids;
    }

    /** Every result the simulator holds, as served, walking all pages of the list. */
    public List<JsonNode> allResults() throws IOException, InterruptedException {
        List<JsonNode> results = new ArrayList<>();
        walk(results::add);
        return results;
    }

    /** Hands each result to {@code each}, page by page, holding one page at a time. */
    private void walk(Consumer<JsonNode> each) throws IOException, InterruptedException {
        String token = null;
        do {
            String url = baseUrl + "/v3/OperatorResults?pageSize=1000"
                    + (token == null ? "" : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            JsonNode page = MAPPER.readTree(send("GET", url, null).body());
            page.path("items").forEach(each);
            token = page.path("meta").path("nextToken").asText(null);
        } while (token != null);
    }

    /** A call of the Twilio-compatible API, with the simulator's Basic credentials. */
    public HttpResponse<String> send(String method, String url, String json) throws IOException,
            InterruptedException {
        return send(method, url, json, "Authorization", auth);
    }

    /** A call of the simulator's admin endpoints, with the relay's API key. */
    private HttpResponse<String> admin(String method, String url, String json) throws IOException,
            InterruptedException {
        return send(method, url, json, "X-API-Key", Api.KEY);
    }

    private HttpResponse<String> send(String method, String url, String json, String credentialHeader,
                                      String credential) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header(credentialHeader, credential).header("Content-Type", "application/json");
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IOException(method + " " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    /** Sets the simulator's faults ({@code PUT /simulator/admin/faults}). */
    public void faults(String json) throws IOException, InterruptedException {
        admin("PUT", baseUrl + "/admin/faults", json);
    }

    /** Adds one result exactly as given ({@code POST /simulator/admin/results/raw}). */
    public void addRaw(String json) throws IOException, InterruptedException {
        admin("POST", baseUrl + "/admin/results/raw", json);
    }

    /** The JSON of one result, as the simulator serves it. */
    public String result(String id) throws IOException, InterruptedException {
        return send("GET", baseUrl + "/v3/OperatorResults/" + id, null).body();
    }

    /** Adds results created now ({@code POST /simulator/admin/results}). */
    public void add(int count) throws IOException, InterruptedException {
        admin("POST", baseUrl + "/admin/results?count=" + count, null);
    }

    /** Adds one result of {@code format} created now and answers its id. */
    public String addOne(String format) throws IOException, InterruptedException {
        return MAPPER.readTree(admin("POST", baseUrl + "/admin/results?count=1&format=" + format, null).body())
                .path("firstId").asText();
    }
}
