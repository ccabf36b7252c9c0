package io.oprelay.simulator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.twilio.base.ResourceSet;
import com.twilio.exception.ApiException;
import com.twilio.http.HttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.intelligence.v3.OperatorResult;
import io.oprelay.support.QuietApp;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official Java helper library, pointed at the simulator, lists every page, fetches and deletes. */
@QuarkusTest
@TestProfile(QuietApp.class)
class SimulatorTwilioJavaTest extends SimulatorFixture {

    private TwilioRestClient twilio;

    @BeforeEach
    void officialClient() {
        twilio = new TwilioRestClient.Builder("SKtwiliojava", "secret")
                .httpClient(new SimulatorHttpClient(URI.create(simulatorUrl.toString())))
                .objectMapper(lenientMapper())
                .build();
    }

    /**
     * twilio-java 12.1.0 binds every {@code result} to its TEXT variant and fails on unknown properties, so its
     * default mapper rejects any JSON result ({@code score}); with unknown properties allowed it reads all formats.
     */
    private static ObjectMapper lenientMapper() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    @Test
    void officialLibraryReadsEveryPage() {
        List<String> ids = simulator.add(125);

        ResourceSet<OperatorResult.ListOperatorResultResponse> all = OperatorResult.reader().setPageSize(20)
                .read(twilio);
        List<String> seen = new ArrayList<>();
        all.forEach(result -> seen.add(result.getId()));

        assertThat(seen).hasSize(125).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void officialLibraryFetchesAndDeletes() {
        String id = simulator.add(3).get(1);

        OperatorResult.FetchOperatorResultResponse fetched = OperatorResult.fetcher(id).fetch(twilio);
        boolean deleted = OperatorResult.deleter(id).delete(twilio);

        assertThat(fetched.getId()).isEqualTo(id);
        assertThat(fetched.getConversationId()).startsWith("conv_conversation_");
        assertThat(deleted).isTrue();
        assertThat(simulator.find(id)).isEmpty();
        assertThatThrownBy(() -> OperatorResult.fetcher(id).fetch(twilio))
                .isInstanceOf(ApiException.class);
    }

    /** Sends what the library would send to Twilio to the simulator instead: same path, query and auth. */
    static final class SimulatorHttpClient extends HttpClient {

        private final URI base;
        private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

        SimulatorHttpClient(URI base) {
            this.base = base;
        }

        @Override
        public Response makeRequest(Request request) {
            URL twilioUrl = request.constructURL();
            String query = twilioUrl.getQuery() == null ? "" : "?" + twilioUrl.getQuery();
            URI target = URI.create(base + twilioUrl.getPath() + query);
            HttpRequest.Builder builder = HttpRequest.newBuilder(target)
                    .method(request.getMethod().toString(), HttpRequest.BodyPublishers.noBody())
                    .header("Accept", "application/json");
            if (request.requiresAuthentication()) {
                builder.header("Authorization", request.getAuthString());
            }
            try {
                HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
                return new Response(response.body(), response.statusCode());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
