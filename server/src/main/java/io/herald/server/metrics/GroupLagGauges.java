package io.herald.server.metrics;

import io.herald.server.provisioning.KafkaClientConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Every bound consumer group's lag and last commit, read by the server from Kafka itself, so an alert
 * still sees a group whose consumers are all gone (the SDK's own lag gauge disappears with them).
 *
 * <p>On its own thread every {@code herald.metrics.lag-refresh}, whatever Prometheus does: one catalog
 * query for the (group, topic) pairs of the bindings (at most {@code herald.metrics.lag-max-groups}),
 * then one describe of their topics, two offset listings (log start and end) and one committed-offsets
 * listing for all groups at once, each bounded by a timeout. A scrape only reads the last result.
 *
 * <ul>
 *   <li>{@code herald_group_lag{group,topic}}: records the group has not committed yet, summed over the
 *       topic's partitions; a partition the group never committed counts from the log start (where a
 *       Herald consumer starts), a committed offset the retention already removed counts from there too.</li>
 *   <li>{@code herald_group_last_commit_seconds{group,topic}}: Unix time at which this server last saw the
 *       group's committed offsets on the topic move; at the server's first look, that look.</li>
 *   <li>{@code herald_group_lag_refreshed_seconds}: Unix time of the last complete refresh; it stands still
 *       while Kafka does not answer (the lag series keep their last values), which an alert rule watches.</li>
 * </ul>
 */
@Component
class GroupLagGauges implements GroupLag, InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(GroupLagGauges.class);

    private final JdbcTemplate jdbc;
    private final KafkaClientConfig clients;
    private final MetricsProperties properties;
    private final MultiGauge lagGauge;
    private final MultiGauge commitGauge;
    private final AtomicLong refreshed = new AtomicLong();
    private final Counter failures;
    private final long timeoutMs;

    /** What the last look saw of each pair: the sum of committed offsets and when it last moved. */
    private final Map<Pair, Seen> seen = new HashMap<>();
    /** Replaced, never changed, by each refresh; read by the console's pages too. */
    private volatile Map<Pair, Figures> last = Map.of();
    private volatile Instant lastReadAt;
    private int lastSkipped;
    private volatile String lastError;
    private Admin admin;
    private ScheduledExecutorService thread;

    record Pair(String group, String topic) {
    }

    private record Seen(long committedSum, long movedAtSeconds) {
    }

    /** One refresh's figures for one pair. */
    record Figures(long lag, long lastCommitSeconds) {
    }

    GroupLagGauges(JdbcTemplate jdbc, KafkaClientConfig clients, MetricsProperties properties, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.clients = clients;
        this.properties = properties;
        this.timeoutMs = Math.max(1000, Math.min(properties.lagRefresh().toMillis() * 4, 10_000));
        this.lagGauge = MultiGauge.builder("herald.group.lag")
                .description("Records a bound consumer group has not committed yet on a topic, read by the server from Kafka")
                .register(registry);
        this.commitGauge = MultiGauge.builder("herald.group.last.commit").baseUnit("seconds")
                .description("Unix time at which the server last saw the group's committed offsets on the topic move")
                .register(registry);
        Gauge.builder("herald.group.lag.refreshed", refreshed, AtomicLong::get).baseUnit("seconds")
                .description("Unix time of the last complete read of every bound group's lag from Kafka")
                .register(registry);
        this.failures = Counter.builder("herald.group.lag.failures")
                .description("Reads of the bound groups' lag from Kafka that failed").register(registry);
    }

    @Override
    public void afterPropertiesSet() {
        Map<String, Object> config = clients.base();
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "herald-group-lag");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(500, timeoutMs - 500));
        config.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2000);
        admin = Admin.create(config);
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "herald-group-lag");
            t.setDaemon(true);
            return t;
        });
        long every = properties.lagRefresh().toMillis();
        thread.scheduleWithFixedDelay(this::refreshQuietly, Math.min(every, 1000), every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void destroy() {
        if (thread != null) {
            thread.shutdownNow();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
            if (lastError != null) {
                log.info("Bound consumer groups' lag is read from Kafka again");
                lastError = null;
            }
        } catch (RuntimeException e) {
            failures.increment();
            String message = String.valueOf(e.getMessage());
            if (!message.equals(lastError)) {
                log.warn("Cannot read the bound consumer groups' lag from Kafka (herald_group_lag keeps its last values,"
                        + " herald_group_lag_refreshed_seconds stands still): {}", message);
            }
            lastError = message;
        }
    }

    /** One look at the catalog and Kafka; the gauges show its result. */
    synchronized Map<Pair, Figures> refresh() {
        List<Pair> pairs = boundPairs();
        Map<Pair, Figures> figures = figures(pairs, Instant.now().getEpochSecond());
        List<MultiGauge.Row<?>> lags = new ArrayList<>();
        List<MultiGauge.Row<?>> commits = new ArrayList<>();
        figures.forEach((p, f) -> {
            Tags tags = Tags.of("group", p.group(), "topic", p.topic());
            lags.add(MultiGauge.Row.of(tags, f.lag()));
            commits.add(MultiGauge.Row.of(tags, f.lastCommitSeconds()));
        });
        lagGauge.register(lags, true);
        commitGauge.register(commits, true);
        refreshed.set(Instant.now().getEpochSecond());
        return figures;
    }

    private List<Pair> boundPairs() {
        int max = properties.lagMaxGroups();
        List<Pair> pairs = jdbc.query("SELECT DISTINCT b.group_name, t.name FROM binding b JOIN topic t ON t.id = b.topic_id"
                + " ORDER BY 1, 2 LIMIT ?", (rs, i) -> new Pair(rs.getString(1), rs.getString(2)), max + 1);
        int skipped = 0;
        if (pairs.size() > max) {
            Integer all = jdbc.queryForObject("SELECT count(*) FROM (SELECT DISTINCT group_name, topic_id FROM binding) p", Integer.class);
            skipped = (all == null ? pairs.size() : all) - max;
            pairs = pairs.subList(0, max);
        }
        if (skipped != lastSkipped && skipped > 0) {
            log.warn("{} (group, topic) pairs of bindings get no herald_group_lag: more than herald.metrics.lag-max-groups={}",
                    skipped, max);
        }
        lastSkipped = skipped;
        return pairs;
    }

    private Map<Pair, Figures> figures(List<Pair> pairs, long nowSeconds) {
        Map<Pair, Figures> out = new LinkedHashMap<>();
        if (pairs.isEmpty()) {
            seen.clear();
            last = out;
            return out;
        }
        Set<String> topicNames = new LinkedHashSet<>();
        pairs.forEach(p -> topicNames.add(p.topic()));
        // Topics the catalog has but Kafka not (yet, or any more) are left out, not an error.
        Set<String> existing = await(admin.listTopics().names(), "list topics");
        topicNames.retainAll(existing);
        if (topicNames.isEmpty()) {
            seen.clear();
            last = out;
            return out;
        }
        Map<String, TopicDescription> described = await(admin.describeTopics(topicNames).allTopicNames(), "describe topics");
        Map<String, List<TopicPartition>> partitions = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliestSpec = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latestSpec = new HashMap<>();
        described.forEach((name, d) -> d.partitions().forEach(p -> {
            TopicPartition tp = new TopicPartition(name, p.partition());
            partitions.computeIfAbsent(name, n -> new ArrayList<>()).add(tp);
            earliestSpec.put(tp, OffsetSpec.earliest());
            latestSpec.put(tp, OffsetSpec.latest());
        }));
        Map<String, List<TopicPartition>> byGroup = new HashMap<>();
        for (Pair p : pairs) {
            List<TopicPartition> tps = partitions.get(p.topic());
            if (tps != null) {
                byGroup.computeIfAbsent(p.group(), g -> new ArrayList<>()).addAll(tps);
            }
        }
        Map<String, ListConsumerGroupOffsetsSpec> groupSpecs = new HashMap<>();
        byGroup.forEach((g, tps) -> groupSpecs.put(g, new ListConsumerGroupOffsetsSpec().topicPartitions(tps)));
        // All requests go out together; the refresh waits for the slowest, not the sum.
        ListOffsetsResult earliest = admin.listOffsets(earliestSpec);
        ListOffsetsResult latest = admin.listOffsets(latestSpec);
        Map<String, KafkaFuture<Map<TopicPartition, OffsetAndMetadata>>> committedFutures = new HashMap<>();
        var committedResult = admin.listConsumerGroupOffsets(groupSpecs);
        groupSpecs.keySet().forEach(g -> committedFutures.put(g, committedResult.partitionsToOffsetAndMetadata(g)));
        Map<TopicPartition, Long> start = offsets(earliest, earliestSpec.keySet(), "list log start offsets");
        Map<TopicPartition, Long> end = offsets(latest, latestSpec.keySet(), "list end offsets");

        Set<Pair> present = new LinkedHashSet<>();
        for (Pair p : pairs) {
            List<TopicPartition> tps = partitions.get(p.topic());
            if (tps == null || !tps.stream().allMatch(tp -> start.containsKey(tp) && end.containsKey(tp))) {
                if (last.containsKey(p)) { // a partition without a leader right now: the last figures stand
                    present.add(p);
                    out.put(p, last.get(p));
                }
                continue;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = committed(committedFutures.get(p.group()), p.group());
            long lag = 0;
            long committedSum = 0;
            for (TopicPartition tp : tps) {
                long logStart = start.get(tp);
                long logEnd = end.get(tp);
                OffsetAndMetadata o = committed == null ? null : committed.get(tp);
                long position = o == null ? logStart : Math.max(o.offset(), logStart);
                lag += Math.max(0, logEnd - position);
                committedSum += o == null ? -1 : o.offset();
            }
            Seen before = seen.get(p);
            long movedAt = before == null || before.committedSum() != committedSum ? nowSeconds : before.movedAtSeconds();
            seen.put(p, new Seen(committedSum, movedAt));
            present.add(p);
            out.put(p, new Figures(lag, movedAt));
        }
        seen.keySet().retainAll(present);
        last = out;
        lastReadAt = Instant.ofEpochSecond(nowSeconds);
        return out;
    }

    @Override
    public java.util.Optional<Reading> lag(String group, String topic) {
        Figures f = last.get(new Pair(group, topic));
        Instant at = lastReadAt;
        return f == null || at == null ? java.util.Optional.empty() : java.util.Optional.of(new Reading(f.lag(), at));
    }

    private Map<TopicPartition, Long> offsets(ListOffsetsResult result, Set<TopicPartition> tps, String what) {
        Map<TopicPartition, Long> out = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (TopicPartition tp : tps) {
            try {
                out.put(tp, result.partitionResult(tp).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).offset());
            } catch (ExecutionException e) {
                log.debug("No offsets of {} this time: {}", tp, e.getCause().toString());
            } catch (TimeoutException e) {
                throw new IllegalStateException("Kafka did not answer in " + timeoutMs + " ms: " + what, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Kafka: " + what, e);
            }
        }
        return out;
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(KafkaFuture<Map<TopicPartition, OffsetAndMetadata>> future, String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> m = future.get(timeoutMs, TimeUnit.MILLISECONDS);
            return m == null ? Map.of() : m;
        } catch (ExecutionException e) {
            return Map.of(); // the group does not exist (yet): it has committed nothing
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer in " + timeoutMs + " ms: list offsets of group " + group, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka: list offsets of group " + group, e);
        }
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka failed to " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer in " + timeoutMs + " ms: " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka: " + what, e);
        }
    }
}
