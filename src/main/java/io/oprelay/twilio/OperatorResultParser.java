package io.oprelay.twilio;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads OperatorResult answers from their raw bytes in one streaming pass. Each result keeps the exact byte slice
 * it occupied in the body (whitespace, escapes and unknown fields included); the typed {@link OperatorResult} is a
 * lenient view parsed from the same tokens. A body that is not well-formed JSON, or lacks the {@code items} array,
 * raises {@link MalformedAnswerException}.
 */
public final class OperatorResultParser {

    private final ObjectMapper mapper;

    public OperatorResultParser() {
        this(TwilioJson.mapper());
    }

    public OperatorResultParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Parses a {@code GET /v3/OperatorResults} body. */
    public ResultPage parseList(byte[] body) {
        try (JsonParser parser = mapper.getFactory().createParser(body)) {
            expect(parser.nextToken() == JsonToken.START_OBJECT, "the list answer is not a JSON object");
            List<RawResult> items = null;
            Meta meta = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("items".equals(field) && value == JsonToken.START_ARRAY) {
                    items = readArray(parser, body);
                } else if ("meta".equals(field) && value == JsonToken.START_OBJECT) {
                    meta = mapper.readValue(parser, Meta.class);
                } else {
                    parser.skipChildren();
                }
            }
            expectEnd(parser);
            expect(items != null, "the list answer has no items array");
            if (meta == null) {
                return new ResultPage(List.copyOf(items), Optional.empty(), Optional.empty(), false);
            }
            return new ResultPage(List.copyOf(items), token(meta.nextToken()), token(meta.previousToken()), true);
        } catch (JsonProcessingException e) {
            throw new MalformedAnswerException("the list answer is not well-formed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MalformedAnswerException("the list answer could not be read", e);
        }
    }

    /** Parses a {@code GET /v3/OperatorResults/{id}} body: one result object. */
    public RawResult parseOne(byte[] body) {
        try (JsonParser parser = mapper.getFactory().createParser(body)) {
            expect(parser.nextToken() == JsonToken.START_OBJECT, "the answer is not a JSON object");
            RawResult result = readObject(parser, body);
            expect(parser.nextToken() == null, "the answer has content after the result object");
            return result;
        } catch (JsonProcessingException e) {
            throw new MalformedAnswerException("the answer is not well-formed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MalformedAnswerException("the answer could not be read", e);
        }
    }

    /**
     * Parses a Rule Execution webhook body; its {@code operatorResults} array is required, the other fields are
     * read when present.
     */
    public RuleExecution parseRuleExecution(byte[] body) {
        try (JsonParser parser = mapper.getFactory().createParser(body)) {
            expect(parser.nextToken() == JsonToken.START_OBJECT, "the body is not a JSON object");
            String accountId = null;
            String conversationId = null;
            OperatorResult.IntelligenceConfigurationRef configuration = null;
            List<RawResult> results = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("operatorResults".equals(field) && value == JsonToken.START_ARRAY) {
                    results = readArray(parser, body);
                } else if ("intelligenceConfiguration".equals(field) && value == JsonToken.START_OBJECT) {
                    configuration = mapper.readValue(parser, OperatorResult.IntelligenceConfigurationRef.class);
                } else if ("accountId".equals(field) && value == JsonToken.VALUE_STRING) {
                    accountId = parser.getText();
                } else if ("conversationId".equals(field) && value == JsonToken.VALUE_STRING) {
                    conversationId = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
            expectEnd(parser);
            expect(results != null, "the body has no operatorResults array");
            return new RuleExecution(accountId, conversationId, configuration, List.copyOf(results));
        } catch (JsonProcessingException e) {
            throw new MalformedAnswerException("the body is not well-formed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MalformedAnswerException("the body could not be read", e);
        }
    }

    /**
     * Reads the array the parser stands on (its {@code START_ARRAY}) into results, for any body that embeds
     * OperatorResults (a list page, a webhook's {@code operatorResults}).
     */
    public List<RawResult> readArray(JsonParser parser, byte[] body) throws IOException {
        List<RawResult> results = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            expect(token == JsonToken.START_OBJECT, "an element of the results array is not a JSON object");
            results.add(readObject(parser, body));
        }
        return results;
    }

    /**
     * Binds the object the parser stands on straight from the tokens (no tree in between: a tree of every item cost
     * as much again as the binding). An item whose fields do not bind is read to its end and kept with the lenient
     * view of its tree, built from its bytes. Broken JSON is never taken for such an item: it fails the answer.
     */
    private RawResult readObject(JsonParser parser, byte[] body) throws IOException {
        int start = Math.toIntExact(parser.currentTokenLocation().getByteOffset());
        JsonStreamContext outer = parser.getParsingContext().getParent();
        OperatorResult view;
        JsonToken last;
        try {
            view = mapper.readValue(parser, OperatorResult.class);
            last = parser.getLastClearedToken(); // the mapper clears the token it ended on
        } catch (DatabindException | IllegalArgumentException e) {
            if (e.getCause() instanceof StreamReadException broken) {
                throw broken;
            }
            skipToEndOfObject(parser, outer);
            view = null;
            last = parser.currentToken();
        }
        expect(last == JsonToken.END_OBJECT && parser.getParsingContext() == outer,
                "could not locate a result in the answer");
        int end = Math.toIntExact(parser.currentTokenLocation().getByteOffset()) + 1;
        expect(start >= 0 && end <= body.length && body[start] == '{' && body[end - 1] == '}',
                "could not locate a result in the answer");
        if (view == null) {
            view = lenientView(mapper.readTree(body, start, end - start));
        }
        return new RawResult(view, Arrays.copyOfRange(body, start, end));
    }

    /** After a binding that gave up inside an object: reads on to the object's end. */
    private static void skipToEndOfObject(JsonParser parser, JsonStreamContext outer) throws IOException {
        while (!(parser.currentToken() == JsonToken.END_OBJECT && parser.getParsingContext() == outer)) {
            expect(parser.nextToken() != null, "the answer ended inside a result");
        }
    }

    /** The view of a payload whose fields do not bind: its top-level identifiers and its result tree. */
    private static OperatorResult lenientView(JsonNode tree) {
        return new OperatorResult(text(tree, "id"), text(tree, "accountId"), null, text(tree, "conversationId"),
                null, text(tree, "outputFormat"), null, null, null, tree.get("result"));
    }

    private static String text(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        return node != null && node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    private static Optional<String> token(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    private static void expectEnd(JsonParser parser) throws IOException {
        expect(parser.currentToken() == JsonToken.END_OBJECT, "the answer ended early");
        expect(parser.nextToken() == null, "the answer has content after its JSON object");
    }

    private static void expect(boolean condition, String problem) {
        if (!condition) {
            throw new MalformedAnswerException(problem, null);
        }
    }

    /** {@code meta} of a list page. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Meta(String key, Integer pageSize, String nextToken, String previousToken) {
    }

    /** The answer is not the JSON the endpoint promises. */
    public static final class MalformedAnswerException extends RuntimeException {
        public MalformedAnswerException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
