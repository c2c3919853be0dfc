package io.herald.server.catalog;

import io.herald.sdk.wire.BindingConfig;
import io.herald.sdk.wire.ConfigSnapshot;
import io.herald.sdk.wire.MessageTypeConfig;
import io.herald.sdk.wire.TopicConfig;
import io.herald.sdk.wire.TracingConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/** Builds the config snapshot an app's SDK instances run on, from one consistent read of the catalog. */
@Service
public class SnapshotSource {

    private final AppService apps;
    private final TopicRepository topics;
    private final BindingRepository bindings;
    private final ProcessorRepository processors;
    private final ConfigVersions versions;

    /** {@code herald.trace.default-sample-rate}: the share of messages traced on topics without a rate of their own. */
    private final double defaultSampleRate;
    /** {@code herald.trace.max-sampled-per-second}: on those topics, the most traces an SDK instance starts a second per topic. */
    private final int maxSampledPerSecond;

    SnapshotSource(AppService apps, TopicRepository topics, BindingRepository bindings, ProcessorRepository processors,
                   ConfigVersions versions, SamplingDefaults trace) {
        this.defaultSampleRate = trace.defaultSampleRate();
        this.maxSampledPerSecond = trace.maxSampledPerSecond();
        this.processors = processors;
        this.apps = apps;
        this.topics = topics;
        this.bindings = bindings;
        this.versions = versions;
    }

    /**
     * How topics without a rate of their own are traced, in words for the console: for example
     * "1.0, at most 100 traces a second per SDK instance".
     */
    public String defaultSampling() {
        return defaultSampleRate + (maxSampledPerSecond > 0
                ? ", at most " + maxSampledPerSecond + " traces a second per SDK instance" : "");
    }

    /** The app's snapshot at its current version; REPEATABLE READ so version and content match. */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public ConfigSnapshot snapshot(String appName) {
        long version = versions.current(appName);
        AppEntity app = apps.find(appName);
        Map<String, TopicConfig> topicConfigs = new LinkedHashMap<>();
        Map<String, Double> sampleRates = new java.util.HashMap<>();
        for (TopicEntity t : topics.findProducibleBy(app)) {
            topicConfigs.put(t.name, topicConfig(t, true));
            if (t.traceSampleRate != null) {
                sampleRates.put(t.name, t.traceSampleRate);
            }
        }
        List<BindingConfig> bindingConfigs = new ArrayList<>();
        java.util.Set<Long> pushed = new java.util.HashSet<>();
        for (ProcessorEntity p : processors.search(appName)) {
            pushed.add(p.binding.id);
        }
        List<String> blocked = new ArrayList<>();
        for (BindingEntity b : bindings.search(appName, "", "")) {
            if (b.blocked()) {
                // a RESTRICTED topic that no longer grants the app: neither the binding nor the topic goes out
                blocked.add("binding " + b.id + " (group '" + b.groupName + "' on topic '" + b.topic.name + "') is blocked: "
                        + b.topic.notConsumable(appName));
                continue;
            }
            topicConfigs.putIfAbsent(b.topic.name, topicConfig(b.topic, false));
            if (b.topic.traceSampleRate != null) {
                sampleRates.put(b.topic.name, b.topic.traceSampleRate);
            }
            bindingConfigs.add(new BindingConfig(b.id, b.groupName, b.topic.name, b.kind.name(), b.typePattern,
                    b.deliveryLimit, b.backoffMs, b.backoffMultiplier, b.backoffMaxMs, b.expiryMs, b.paused, b.concurrency,
                    b.deadLetterTopic(), pushed.contains(b.id), b.ratePerSecond == null ? 0 : b.ratePerSecond,
                    b.dedupeWindowMs == null ? 0 : b.dedupeWindowMs));
        }
        return new ConfigSnapshot(appName, version, List.copyOf(topicConfigs.values()), bindingConfigs,
                new TracingConfig(defaultSampleRate, sampleRates, maxSampledPerSecond), blocked);
    }

    private static TopicConfig topicConfig(TopicEntity t, boolean canProduce) {
        return new TopicConfig(t.name, t.partitions, canProduce,
                t.types.stream().map(mt -> new MessageTypeConfig(mt.name, mt.jsonSchema, mt.schemaVersion)).toList());
    }
}
