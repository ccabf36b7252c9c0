package io.oprelay.simulator;

import io.oprelay.twilio.Ttid;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Starts the conversations that results belong to: picks a configuration of the catalogue, the channels, the
 * participants and their ids, and who the customer is and what the call was about. Draws from the generator's
 * random sources, so it must be called in the generator's order.
 */
final class ConversationMaker {

    private static final String[] CUSTOMERS = {"José García", "Zoë Müller", "Amélie Dubois", "Kenji Tanaka",
        "Priya Sharma", "Liam O'Connor", "Sofia Rossi", "Noah Williams", "Ava Johnson", "Mateo Fernández"};
    private static final String[] COMPANIES = {"Owl Bank", "Northwind Telecom", "Contoso Energy", "Acme Retail"};
    private static final String[] PRODUCTS = {"Premium Plan", "Fiber 500", "Rewards Card", "Smart Thermostat",
        "Roaming Pack", "Home Insurance"};
    private static final String[] AGENT_TYPES = {"HUMAN_AGENT", "HUMAN_AGENT", "HUMAN_AGENT", "AGENT", "UNKNOWN"};
    private static final String[] TRIGGERS = {"CONVERSATION_END", "CONVERSATION_END", "CONVERSATION_END",
        "CONVERSATION_INACTIVE", "COMMUNICATION"};
    private static final String[] OTHER_CHANNELS = {"SMS", "CHAT", "WHATSAPP", "EMAIL", "RCS", "API"};

    private final Catalog catalog;
    private final SplittableRandom random;
    private final Ttid.Generator otherIds;

    ConversationMaker(Catalog catalog, SplittableRandom random, Ttid.Generator otherIds) {
        this.catalog = catalog;
        this.random = random;
        this.otherIds = otherIds;
    }

    /** A new conversation ending before {@code millis}; its id is {@code conversationId} when not null. */
    Conversation start(long millis, String conversationId) {
        Catalog.Configuration configuration = catalog.configurations()
                .get(random.nextInt(catalog.configurations().size()));
        long started = millis - 60_000L - random.nextInt(1_800_000);
        String id = conversationId != null ? conversationId : otherIds.next("conv_conversation", started);
        List<String> channels = channels();
        List<Conversation.Participant> participants = participants(started);
        String first = otherIds.next("conv_communication", started);
        String last = otherIds.next("conv_communication", started + 30_000L + random.nextInt(600_000));
        List<String> references = new ArrayList<>(List.of(first));
        if (channels.contains("VOICE")) {
            references.add("CA" + Catalog.hex(random, 32));
        }
        references.add(participants.get(0).id());
        return new Conversation(id, conversationId != null, configuration, channels, participants, first, last,
                TRIGGERS[random.nextInt(TRIGGERS.length)], references,
                CUSTOMERS[random.nextInt(CUSTOMERS.length)], COMPANIES[random.nextInt(COMPANIES.length)],
                PRODUCTS[random.nextInt(PRODUCTS.length)], random.nextInt(ResultContent.TOPIC_COUNT),
                random.nextInt(5), new ArrayDeque<>(configuration.operators()));
    }

    private List<Conversation.Participant> participants(long started) {
        List<Conversation.Participant> participants = new ArrayList<>();
        String profile = random.nextInt(10) < 7 ? otherIds.next("mem_profile", started) : null;
        participants.add(new Conversation.Participant(otherIds.next("conv_participant", started), profile,
                "CUSTOMER"));
        if (random.nextInt(4) == 0) {
            participants.add(new Conversation.Participant(otherIds.next("conv_participant", started), null,
                    "AI_AGENT"));
        }
        participants.add(new Conversation.Participant(otherIds.next("conv_participant", started), null,
                AGENT_TYPES[random.nextInt(AGENT_TYPES.length)]));
        return participants;
    }

    private List<String> channels() {
        int pick = random.nextInt(10);
        if (pick < 5) {
            return List.of("VOICE");
        }
        String channel = OTHER_CHANNELS[random.nextInt(OTHER_CHANNELS.length)];
        return pick == 9 ? List.of(channel, "SYSTEM") : List.of(channel);
    }
}
