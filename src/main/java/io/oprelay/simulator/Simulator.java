package io.oprelay.simulator;

import io.oprelay.twilio.OutputFormat;
import io.oprelay.twilio.SortOrder;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The simulator's state, for its HTTP endpoints and for tests that drive it in the same JVM: the results, the sort
 * order, the feed of new results, and the injected faults. Whether it serves at all is decided at run time.
 */
@ApplicationScoped
public class Simulator {

    private static final Logger LOG = Logger.getLogger(Simulator.class);

    private final SimulatorConfig config;
    private final Clock clock;
    private final ResultStore store = new ResultStore();
    private final Catalog catalog;
    private final ResultGenerator generator;
    private final PageTokens tokens;
    private final FaultInjector faults;
    private final FeedPacer pacer = new FeedPacer();
    private volatile boolean enabled;
    private volatile SortOrder sortOrder;
    private volatile double rate;

    @Inject
    public Simulator(SimulatorConfig config) {
        this(config, Clock.systemUTC());
    }

    /** A simulator whose results are created at the times {@code clock} tells. */
    Simulator(SimulatorConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.enabled = config.enabled();
        this.sortOrder = listOrder(config.sortOrder());
        this.rate = config.rate();
        this.catalog = new Catalog(config.seed(), config.accountId().orElse(null), config.configurations());
        this.generator = new ResultGenerator(catalog, config.seed(), config.quirks());
        this.tokens = new PageTokens(config.tokenSecret().map(s -> s.getBytes(StandardCharsets.UTF_8))
                .orElseGet(Simulator::randomKey));
        this.faults = new FaultInjector(FaultSettings.from(config.faults()), config.seed());
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    void onStart(@Observes StartupEvent event) {
        if (enabled && config.backlog() > 0) {
            long started = System.nanoTime();
            addBacklog(config.backlog(), config.backlogSpan());
            LOG.infof("Simulator serving /simulator/v3/OperatorResults with a backlog of %d results (made in %d ms)",
                    config.backlog(), Duration.ofNanos(System.nanoTime() - started).toMillis());
        }
    }

    /** Adds the results that {@code rate} asks for since the last tick. */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void feed() {
        int due = pacer.due(System.nanoTime(), enabled, rate);
        if (due > 0) {
            add(due);
        }
    }

    /** Whether the endpoints serve; when false they answer 404. */
    public boolean enabled() {
        return enabled;
    }

    /** Turns the endpoints and the feed on or off at run time. */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** Adds {@code count} results created now, of any format, in the generator's own conversations. */
    public List<String> add(int count) {
        return add(count, Set.of(), null);
    }

    /**
     * Adds {@code count} results created now.
     *
     * @param formats        the formats to choose from; all four when empty
     * @param conversationId the conversation they belong to (a {@code conv_conversation_} id), or null
     * @return the ids added, oldest first
     */
    public synchronized List<String> add(int count, Set<OutputFormat> formats, String conversationId) {
        List<String> ids = new ArrayList<>(count);
        long now = clock.millis();
        boolean nullProfileIds = faults.current().nullProfileIds();
        for (int i = 0; i < count; i++) {
            StoredResult result = generator.next(now, formats, conversationId, nullProfileIds);
            store.put(result);
            ids.add(result.id());
        }
        return ids;
    }

    /**
     * Adds one result exactly as given (its JSON is served byte for byte), for driving cases the generator does not
     * make: a chosen {@code dateCreated}, a very large output.
     *
     * @throws IllegalArgumentException with the reason when the JSON is not a result the list can serve
     * @throws IllegalStateException    when a result with that id exists already
     */
    public synchronized String put(byte[] json) {
        StoredResult result = UploadedResult.parse(json);
        if (store.get(result.id()).isPresent()) {
            throw new IllegalStateException("a result with id " + result.id() + " exists already");
        }
        store.put(result);
        return result.id();
    }

    /** Adds {@code count} results spread evenly over the {@code span} before now, as a start backlog. */
    public synchronized void addBacklog(int count, Duration span) {
        long end = clock.millis();
        long start = end - span.toMillis();
        boolean nullProfileIds = faults.current().nullProfileIds();
        for (int i = 0; i < count; i++) {
            store.put(generator.next(start + (span.toMillis() * i) / Math.max(1, count), Set.of(), null,
                    nullProfileIds));
        }
    }

    /** The account's operators and configurations. */
    Catalog catalog() {
        return catalog;
    }

    /** Removes every result. */
    public void clear() {
        store.clear();
    }

    /** How many results there are. */
    public int count() {
        return store.size();
    }

    /** Every id, in ascending (creation) order. */
    public List<String> ids() {
        return store.ids();
    }

    /** One result as served, if present. */
    public Optional<StoredResult> find(String id) {
        return store.get(id);
    }

    /** Deletes one result; false when absent. */
    public boolean delete(String id) {
        return store.remove(id);
    }

    /** The list order for new first pages (a token keeps the order it was issued with). */
    public SortOrder sortOrder() {
        return sortOrder;
    }

    public void setSortOrder(SortOrder order) {
        this.sortOrder = listOrder(order);
    }

    private static SortOrder listOrder(SortOrder order) {
        if (!order.known()) {
            throw new IllegalArgumentException("the simulated list needs an order: NEWEST_FIRST or OLDEST_FIRST");
        }
        return order;
    }

    /** New results per second. */
    public double rate() {
        return rate;
    }

    public void setRate(double perSecond) {
        this.rate = Math.max(0, perSecond);
    }

    /** Whether newly generated results include the spec-valid variations of real payloads. */
    public synchronized void setQuirks(boolean enabled) {
        generator.quirks(enabled);
    }

    /** The faults in force. */
    public FaultSettings faults() {
        return faults.current();
    }

    /** Replaces the faults in force; see {@link FaultSettings#problem()} for what is accepted. */
    public void setFaults(FaultSettings settings) {
        faults.set(settings);
    }

    /** Back to the faults configured at start. */
    public void resetFaults() {
        faults.reset();
    }

    /** The accepted credentials, when restricted. */
    boolean accepts(String username, String password) {
        return !username.isEmpty() && !password.isEmpty()
                && config.auth().username().map(username::equals).orElse(true)
                && config.auth().password().map(password::equals).orElse(true);
    }

    /** The faults and their dice and counters, for the endpoints that inject them. */
    FaultInjector faultInjector() {
        return faults;
    }

    ResultStore.Page page(Filters filters, SortOrder order, String cursor, boolean forward, int size) {
        return store.page(filters, order, cursor, forward, size);
    }

    PageTokens tokens() {
        return tokens;
    }
}
