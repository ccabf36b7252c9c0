package io.oprelay.simulator;

import io.oprelay.twilio.Ttid;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static io.oprelay.simulator.SimulatorFixture.MONDAY;
import static io.oprelay.simulator.SimulatorFixture.config;
import static org.assertj.core.api.Assertions.assertThat;

/** The simulated account's operators and configurations: the ids a feed filters on must survive a restart. */
class SimulatorCatalogTest {

    private static final Clock A_YEAR_LATER = Clock.fixed(Instant.parse("2027-01-12T17:30:00.123Z"), ZoneOffset.UTC);

    /** Every id of the catalog, in order: account, operators, then each configuration and its rule. */
    private static List<String> catalogIds(Simulator simulator) {
        Catalog catalog = simulator.catalog();
        List<String> ids = new ArrayList<>();
        ids.add(catalog.accountId());
        catalog.operators().forEach(operator -> ids.add(operator.id()));
        catalog.configurations().forEach(configuration -> {
            ids.add(configuration.id());
            ids.add(configuration.ruleId());
            configuration.operators().forEach(operator -> ids.add(operator.id()));
        });
        return ids;
    }

    @Test
    void theSameSeedGivesTheSameCatalogWhenTheSimulatorStartsAgainLater() {
        List<String> first = catalogIds(new Simulator(config(42), MONDAY));
        List<String> restarted = catalogIds(new Simulator(config(42), A_YEAR_LATER));

        assertThat(restarted).isEqualTo(first);
        Catalog catalog = new Simulator(config(42), MONDAY).catalog();
        assertThat(catalog.configurations()).hasSize(3);
        catalog.configurations().forEach(configuration -> assertThat(configuration.id())
                .matches(Ttid.pattern("intelligence_configuration")));
        catalog.operators().forEach(operator -> assertThat(operator.id())
                .matches(Ttid.pattern("intelligence_operator")));
    }

    @Test
    void anotherSeedGivesAnotherCatalog() {
        List<String> one = catalogIds(new Simulator(config(42), MONDAY));
        List<String> other = catalogIds(new Simulator(config(43), MONDAY));

        assertThat(other.get(0)).as("account id").isNotEqualTo(one.get(0));
        Catalog catalog = new Simulator(config(43), MONDAY).catalog();
        catalog.operators().forEach(operator -> assertThat(one).doesNotContain(operator.id()));
        catalog.configurations().forEach(configuration -> assertThat(one).doesNotContain(configuration.id()));
    }
}
