package io.oprelay.deploy;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The extractor finds the metrics an expression reads and nothing else; the checker names what a scrape lacks. */
class PromQlMetricNamesTest {

    private static final String SCRAPE = """
            # HELP relay_results_published_total Operator results published to Kafka
            # TYPE relay_results_published_total counter
            relay_results_published_total{feed="default",format="classification",path="poll"} 12.0
            # TYPE relay_poller_checkpoint_lag_seconds gauge
            relay_poller_checkpoint_lag_seconds{feed="default"} NaN
            # TYPE relay_poller_sweep_duration_seconds summary
            relay_poller_sweep_duration_seconds_count{feed="default",outcome="end-of-list"} 3.0
            relay_poller_sweep_duration_seconds_sum{feed="default",outcome="end-of-list"} 0.2
            # TYPE relay_poller_sweep_duration_seconds_max gauge
            relay_poller_sweep_duration_seconds_max{feed="default",outcome="end-of-list"} 0.1
            jvm_threads_live_threads 42.0
            """;

    @Test
    void extractsTheMetricsAndLeavesOutFunctionsKeywordsLabelsStringsDurationsAndVariables() {
        String expr = """
                (
                  min by (namespace, feed) (relay_poller_checkpoint_lag_seconds{namespace="apps"}) > 900
                  and on (namespace, feed)
                  min by (namespace, feed) (delta(relay_poller_checkpoint_lag_seconds{namespace="apps"}[15m])) >= 0
                )
                unless on (namespace, feed)
                sum by (namespace, feed) (increase(relay_poller_sweep_duration_seconds_count{namespace="apps", \
                outcome=~"end-of-list|reached-published-results"}[15m] offset 1m)) > 0
                or sum without (pod) (rate(relay_results_published_total{pod=~"$pod"}[$__rate_interval])) * 2
                or vector(0) + histogram_quantile(0.99, sum(rate(some_histogram_bucket[5m])) by (le))
                """;
        assertThat(PromQlMetricNames.in(expr)).containsExactlyInAnyOrder("relay_poller_checkpoint_lag_seconds",
                "relay_poller_sweep_duration_seconds_count", "relay_results_published_total", "some_histogram_bucket");
    }

    @Test
    void aGrafanaLabelValuesQueryReadsItsMetricNotItsLabel() {
        assertThat(PromQlMetricNames.in("label_values(relay_workers_running{namespace=\"$namespace\"}, pod)"))
                .containsExactly("relay_workers_running");
        assertThat(PromQlMetricNames.in("label_values(jvm_threads_live_threads, namespace)"))
                .containsExactly("jvm_threads_live_threads");
    }

    @Test
    void aNameTheScrapeLacksIsReportedAndOnlyThat() {
        Set<String> used = Set.of("relay_results_published_total", "relay_poller_checkpoint_lag_seconds",
                "relay_poller_sweep_duration_seconds_count", "relay_poller_sweep_duration_seconds_max",
                "jvm_threads_live_threads", "relay_not_a_metric_total", "relay_poller_sweep_duration_seconds_bucket",
                "relay_results_published");
        assertThat(PromQlMetricNames.missing(used, SCRAPE)).as("misspelt, no histogram, counter without _total")
                .containsExactly("relay_not_a_metric_total", "relay_poller_sweep_duration_seconds_bucket",
                        "relay_results_published");
        assertThat(PromQlMetricNames.missing(Set.of("relay_results_published_total"), SCRAPE)).isEmpty();
    }
}
