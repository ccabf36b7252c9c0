package io.oprelay.actions;

import java.util.function.Consumer;

/**
 * Assembles server-sent events from the lines of a stream, as the test clients read them: the {@code id},
 * {@code event} and {@code data} fields, an empty line ending an event, and comments.
 */
final class SseLines {

    private final Consumer<SseClient.Event> onEvent;
    private final Consumer<String> onComment;
    private final StringBuilder data = new StringBuilder();
    private String id;
    private String event;

    SseLines(Consumer<SseClient.Event> onEvent, Consumer<String> onComment) {
        this.onEvent = onEvent;
        this.onComment = onComment;
    }

    /** One line of the stream, without its line end, read at {@code readNanos} ({@link System#nanoTime()}). */
    void accept(String line, long readNanos) {
        if (line.isEmpty()) {
            if (data.length() > 0) {
                onEvent.accept(new SseClient.Event(id, event, data.toString(), readNanos));
            }
            id = null;
            event = null;
            data.setLength(0);
        } else if (line.startsWith(":")) {
            onComment.accept(line.substring(1).trim());
        } else if (line.startsWith("id:")) {
            id = line.substring(3).trim();
        } else if (line.startsWith("event:")) {
            event = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
            data.append(line.substring(5).trim());
        }
    }
}
