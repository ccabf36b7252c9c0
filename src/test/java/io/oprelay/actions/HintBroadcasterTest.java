package io.oprelay.actions;

import io.oprelay.actions.HintBroadcaster.StreamedHint;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Last-Event-ID resume on another replica, which saw the partitions of the hints topic interleaved otherwise. */
class HintBroadcasterTest {

    private static final long T0 = 1_780_000_000_000L;

    /** Hints of three partitions, 100 ms apart per partition, conversation {@code conv-<partition>}. */
    private static List<StreamedHint> partition(int partition) {
        List<StreamedHint> hints = new ArrayList<>();
        for (int offset = 0; offset < 30; offset++) {
            hints.add(new StreamedHint(partition + "-" + offset, partition, offset, T0 + offset * 100L + partition,
                    "conv-" + partition, "{}", null));
        }
        return hints;
    }

    /** One replica reads the partitions round-robin, the other one after the other (a slow fetch of partition 2). */
    private static List<List<StreamedHint>> arrivals() {
        List<StreamedHint> roundRobin = new ArrayList<>();
        for (int offset = 0; offset < 30; offset++) {
            for (int p = 0; p < 3; p++) {
                roundRobin.add(partition(p).get(offset));
            }
        }
        List<StreamedHint> batched = new ArrayList<>();
        for (int p = 2; p >= 0; p--) {
            batched.addAll(partition(p));
        }
        return List.of(roundRobin, batched);
    }

    @Test
    void theStreamOfAllHintsResumedOnAnotherReplicaMissesNone() {
        List<StreamedHint> onA = arrivals().get(0);
        List<StreamedHint> onB = arrivals().get(1);
        HintBroadcaster replicaB = new HintBroadcaster(1000);
        onB.forEach(replicaB::publish);

        for (int cut = 0; cut < onA.size(); cut++) {
            Set<String> had = new HashSet<>();
            onA.subList(0, cut + 1).forEach(h -> had.add(h.id()));
            Set<String> got = new HashSet<>(had);
            replicaB.subscribe(null, onA.get(cut).id(), hint -> got.add(hint.id())).cancel();
            assertThat(got).as("resumed after %s", onA.get(cut).id()).hasSize(90);
        }
    }

    @Test
    void aConversationStreamResumesExactlyAnywhere() {
        HintBroadcaster replicaB = new HintBroadcaster(1000);
        arrivals().get(1).forEach(replicaB::publish);
        List<String> replayed = new ArrayList<>();

        replicaB.subscribe("conv-1", "1-12", hint -> replayed.add(hint.id())).cancel();

        List<String> expected = new ArrayList<>();
        for (int offset = 13; offset < 30; offset++) {
            expected.add("1-" + offset);
        }
        assertThat(replayed).containsExactlyElementsOf(expected);
    }

    @Test
    void anIdNoLongerBufferedReplaysEverythingThatMayBeNew() {
        HintBroadcaster small = new HintBroadcaster(10);
        arrivals().get(0).forEach(small::publish);
        List<String> replayed = new ArrayList<>();

        small.subscribe(null, "0-3", hint -> replayed.add(hint.id())).cancel();

        assertThat(replayed).hasSize(10);
    }

    @Test
    void anIdThatDoesNotParseReplaysNothing() {
        HintBroadcaster replica = new HintBroadcaster(1000);
        arrivals().get(0).forEach(replica::publish);

        for (String unparseable : List.of("garbage", "", "1-", "-1", "1-x", "x-1", "0-1-2", "99999999999-1",
                "1-99999999999999999999", "1 - 2")) {
            List<String> replayed = new ArrayList<>();
            replica.subscribe(null, unparseable, hint -> replayed.add(hint.id())).cancel();
            assertThat(replayed).as("after '%s'", unparseable).isEmpty();
        }
    }

    @Test
    void hintsReadAgainByARestartedReaderReachNoSubscriberTwice() {
        HintBroadcaster replica = new HintBroadcaster(1000);
        List<String> live = new ArrayList<>();
        replica.subscribe(null, null, hint -> live.add(hint.id()));
        arrivals().get(0).forEach(replica::publish);

        // The reader restarted and read back the tail of every partition, then one new hint of partition 1.
        arrivals().get(1).stream().filter(hint -> hint.offset() >= 20).forEach(replica::publish);
        replica.publish(new StreamedHint("1-30", 1, 30, T0 + 3_001, "conv-1", "{}", null));

        assertThat(live).hasSize(91).doesNotHaveDuplicates().endsWith("1-30");
        assertThat(replica.buffered()).isEqualTo(91);
    }
}
