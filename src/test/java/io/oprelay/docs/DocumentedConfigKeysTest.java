package io.oprelay.docs;

import io.oprelay.docs.DocumentedConfigKeys.Pointer;
import io.oprelay.docs.DocumentedConfigKeys.Row;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** How the docs' configuration tables and the README's configuration table are read. */
class DocumentedConfigKeysTest {

    private static final List<String> PAGE = List.of(
            "# A page",
            "",
            "| key | env | default | meaning |",
            "|---|---|---|---|",
            "| `relay.a.size` | `RELAY_A_SIZE` | `3` | a size |",
            "| `relay.a.host`, `relay.a.port` | - | none (any) | where, escaped \\| pipe |",
            "| `relay.a.base` | `RELAY_A_BASE` | `relay.b.base` when unset | falls back |",
            "",
            "| metric | tags | meaning |",
            "|---|---|---|",
            "| `relay.a.requests` | `outcome` | not a key |",
            "",
            "| key | meaning |",
            "|---|---|",
            "| `relay.a.flag` | no default column |");

    @Test
    void rowsOfTablesHeadedKeyDocumentEachBacktickedKeyOfTheirFirstCell() {
        List<Row> rows = DocumentedConfigKeys.parse("page.md", PAGE);

        assertThat(rows).extracting(Row::key)
                .containsExactly("relay.a.size", "relay.a.host", "relay.a.port", "relay.a.base", "relay.a.flag");
        assertThat(rows.get(0).where()).isEqualTo("page.md:5");
        assertThat(rows.get(1).line()).isEqualTo(rows.get(2).line());
    }

    @Test
    void aDefaultIsStatedOnlyByABacktickedValueThatStartsTheCell() {
        List<Row> rows = DocumentedConfigKeys.parse("page.md", PAGE);

        assertThat(rows).extracting(Row::statedDefault)
                .containsExactly(Optional.of("3"), Optional.empty(), Optional.empty(), Optional.of("relay.b.base"),
                        Optional.empty());
        assertThat(rows.get(4).defaultCell()).as("a table without a default column states nothing").isEmpty();
        assertThat(rows).extracting(Row::statedEnv)
                .containsExactly(Optional.of("RELAY_A_SIZE"), Optional.empty(), Optional.empty(),
                        Optional.of("RELAY_A_BASE"), Optional.empty());
    }

    @Test
    void theReadmesConfigurationRowsPointTheirKeysAtTheLinkedPageAndExpandAlternatives() {
        List<String> readme = List.of(
                "## Quick start",
                "| x | `relay.not.here` | [docs/poller.md](docs/poller.md) |",
                "## Configuration",
                "",
                "| area | main keys | reference |",
                "|---|---|---|",
                "| Topics | `relay.topics.json|text`, `partitions`, `kafka.ssl.*` | [docs/poller.md](docs/poller.md#topics) |",
                "| Feeds | `relay.feeds.\"<name>\".*` (see [below](#x)) | [docs/poller.md](docs/poller.md) |",
                "## Deploy",
                "| y | `relay.not.here.either` | [docs/deployment.md](docs/deployment.md) |");

        assertThat(DocumentedConfigKeys.readmePointers(readme)).containsExactly(
                new Pointer("relay.topics.json", "docs/poller.md", 7),
                new Pointer("relay.topics.text", "docs/poller.md", 7),
                new Pointer("relay.feeds.\"<name>\".*", "docs/poller.md", 8));
    }
}
