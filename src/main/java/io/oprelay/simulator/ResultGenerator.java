package io.oprelay.simulator;

import com.fasterxml.jackson.core.JsonFactory;
import io.oprelay.twilio.OutputFormat;
import io.oprelay.twilio.Ttid;

import java.util.Set;
import java.util.SplittableRandom;

/**
 * Makes realistic OperatorResults, deterministic for a seed and the creation times asked for. Results come in
 * bursts per conversation (one per operator of its configuration, as a rule firing at the end of a conversation
 * does). Not thread-safe: the store calls it under its lock.
 */
final class ResultGenerator {

    private static final Set<OutputFormat> ALL = Set.of(OutputFormat.CLASSIFICATION, OutputFormat.JSON,
            OutputFormat.TEXT, OutputFormat.EXTRACTION);

    private final Ttid.Generator resultIds;
    private final ConversationMaker conversations;
    private final ResultWriter writer;
    private Conversation current;

    ResultGenerator(Catalog catalog, long seed, boolean quirks) {
        SplittableRandom random = new SplittableRandom(seed);
        Ttid.Generator otherIds = new Ttid.Generator(new SplittableRandom(seed * 17 + 3));
        this.resultIds = new Ttid.Generator(new SplittableRandom(seed * 31 + 7));
        this.conversations = new ConversationMaker(catalog, random, otherIds);
        this.writer = new ResultWriter(new JsonFactory(), catalog, random, otherIds, quirks);
    }

    void quirks(boolean enabled) {
        writer.quirks(enabled);
    }

    /**
     * The next result created at {@code millis} (or just after the previous one).
     *
     * @param formats        formats to choose from; all four when empty
     * @param conversationId the conversation it belongs to; the generator's own flow when null
     * @param nullProfileIds write {@code "profileId": null} for participants without a profile (off the spec, as
     *                       some real payloads are) instead of omitting the field as the spec's example does
     */
    StoredResult next(long millis, Set<OutputFormat> formats, String conversationId, boolean nullProfileIds) {
        Set<OutputFormat> allowed = formats == null || formats.isEmpty() ? ALL : formats;
        if (current == null || current.pending().stream().noneMatch(o -> allowed.contains(o.format()))
                || (conversationId == null ? current.requested() : !conversationId.equals(current.id()))) {
            current = conversations.start(millis, conversationId);
        }
        Catalog.Operator operator = current.pending().stream().filter(o -> allowed.contains(o.format()))
                .findFirst().orElseThrow();
        current.pending().remove(operator);
        String id = resultIds.next("intelligence_operatorresult", millis);
        long created = resultIds.lastMillis();
        byte[] json = writer.render(id, created, operator, current, nullProfileIds);
        return new StoredResult(id, current.id(), current.configuration().id(), operator.id(), operator.format(),
                json);
    }
}
