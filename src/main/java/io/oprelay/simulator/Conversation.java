package io.oprelay.simulator;

import java.util.Deque;
import java.util.List;

/**
 * A conversation whose results are being generated: who took part, over which channels, what it was about, and the
 * operators of its configuration still to report. {@code quality} 0 (bad) to 4 (good) keeps its results coherent.
 */
record Conversation(String id, boolean requested, Catalog.Configuration configuration, List<String> channels,
                    List<Participant> participants, String firstCommunication, String lastCommunication,
                    String trigger, List<String> references, String customer, String company,
                    String product, int topic, int quality, Deque<Catalog.Operator> pending) {

    /** One participant of the conversation; {@code profileId} is null when it has no profile. */
    record Participant(String id, String profileId, String type) {
    }
}
