package io.oprelay.simulator;

import io.oprelay.twilio.SortOrder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The answer to a valid list call: one page of the store, its next and previous page tokens, and the page faults
 * in force (a repeated token, a page without {@code meta}, broken JSON), written as Twilio's list body.
 */
final class PageAnswer {

    private final Simulator simulator;

    PageAnswer(Simulator simulator) {
        this.simulator = simulator;
    }

    /**
     * The page after (or, going back, before) {@code cursor}.
     *
     * @param cursor    the id the page continues from; null for a first page
     * @param pageToken the token the call sent, null for a first page
     */
    Response answer(Filters filters, SortOrder order, String cursor, boolean forward, int size, String pageToken) {
        ResultStore.Page page = simulator.page(filters, order, cursor, forward, size);
        long now = System.currentTimeMillis();
        String next = page.moreAfter()
                ? simulator.tokens().encode(new PageTokens.Cursor(last(page), true, order, filters, now)) : null;
        String previous = page.moreBefore()
                ? simulator.tokens().encode(new PageTokens.Cursor(page.items().get(0).id(), false, order, filters, now))
                : null;
        FaultInjector faults = simulator.faultInjector();
        if (pageToken != null && faults.takePageFault(FaultSettings::repeatedTokenPages,
                f -> f.withRepeatedTokenPages(f.repeatedTokenPages() - 1))) {
            next = pageToken;
        }
        boolean withMeta = !faults.takePageFault(FaultSettings::pagesWithoutMeta,
                f -> f.withPagesWithoutMeta(f.pagesWithoutMeta() - 1));
        byte[] body = body(page, next, previous, withMeta);
        if (faults.takePageFault(FaultSettings::malformedPages, f -> f.withMalformedPages(f.malformedPages() - 1))) {
            body = Arrays.copyOf(body, body.length / 2);
        }
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static String last(ResultStore.Page page) {
        return page.items().get(page.items().size() - 1).id();
    }

    private static byte[] body(ResultStore.Page page, String next, String previous, boolean withMeta) {
        int size = 64;
        for (StoredResult result : page.items()) {
            size += result.json().length + 1;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 512);
        out.writeBytes("{\"items\":[".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < page.items().size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(page.items().get(i).json());
        }
        out.write(']');
        if (withMeta) {
            StringBuilder meta = new StringBuilder(",\"meta\":{\"key\":\"items\",\"pageSize\":")
                    .append(page.items().size());
            if (next != null) {
                meta.append(",\"nextToken\":\"").append(next).append('"');
            }
            if (previous != null) {
                meta.append(",\"previousToken\":\"").append(previous).append('"');
            }
            out.writeBytes(meta.append('}').toString().getBytes(StandardCharsets.US_ASCII));
        }
        out.write('}');
        return out.toByteArray();
    }
}
