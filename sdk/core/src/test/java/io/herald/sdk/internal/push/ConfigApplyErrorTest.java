package io.herald.sdk.internal.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.spi.OutgoingRecord;
import io.herald.sdk.spi.PublishCallback;
import io.herald.sdk.spi.RecordProcessor;
import io.herald.sdk.spi.Subscription;
import io.herald.sdk.spi.SubscriptionSpec;
import io.herald.sdk.spi.Transport;
import io.herald.sdk.testing.FakeControlPlane;
import io.herald.sdk.wire.BindingConfig;
import io.herald.sdk.wire.ConfigSnapshot;
import io.herald.sdk.wire.Heartbeat;
import io.herald.sdk.wire.MessageTypeConfig;
import io.herald.sdk.wire.TracingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigApplyErrorTest {

    /** Publishes nothing anywhere; this test has no listeners, so nothing subscribes. */
    private static final class NoTransport implements Transport {
        @Override
        public void publish(OutgoingRecord record, PublishCallback callback) {
            callback.onComplete(0, 0, record.timestamp(), null);
        }

        @Override
        public Subscription subscribe(SubscriptionSpec spec, RecordProcessor processor) {
            throw new UnsupportedOperationException("no listeners here");
        }

        @Override
        public void close() {
        }
    }

    @TempDir
    Path cacheDir;

    private final FakeControlPlane controlPlane = FakeControlPlane.start("billing", "hk_test");
    private Herald herald;

    @AfterEach
    void close() {
        if (herald != null) {
            herald.close();
        }
        controlPlane.close();
    }

    private static BindingConfig withPattern(BindingConfig b, String pattern) {
        return new BindingConfig(b.id(), b.group(), b.topic(), b.kind(), pattern, b.deliveryLimit(), b.backoffMillis(),
                b.backoffMultiplier(), b.backoffMaxMillis(), b.expiryMillis(), b.paused(), b.concurrency(),
                b.deadLetterTopic(), b.pushedByServer(), b.ratePerSecond(), b.dedupeWindowMillis());
    }

    @Test
    void aSnapshotWhosePatternDoesNotCompileIsNotAppliedAndTheErrorGoesIntoTheHeartbeat() throws Exception {
        // given an instance running on a good snapshot
        controlPlane.topic("orders", false, new MessageTypeConfig("order-created", null));
        BindingConfig binding = controlPlane.addBinding("billing-orders", "orders", "REGEX", "order-.*");
        long good = controlPlane.version();
        herald = Herald.builder().withAppName("billing").withControlPlane(controlPlane.url(), "hk_test")
                .withTransport(new NoTransport())
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, cacheDir.toString())
                .withSetting(HeraldSettings.HEARTBEAT_INTERVAL_MS, 100)
                .build().start();
        await().atMost(Duration.ofSeconds(30)).until(() -> herald.configVersion() == good);
        assertThat(herald.configApplyError()).isNull();

        // when the control plane sends a pattern Java cannot compile (long enough that the report is cut)
        String bad = "(order-" + "x".repeat(3000);
        controlPlane.updateBinding(binding.id(), b -> withPattern(b, bad));
        long refused = controlPlane.version();

        // then the last good snapshot keeps running and the heartbeat reports the version and the error
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lastHeartbeat().applyErrorVersion())
                .isEqualTo(refused));
        Heartbeat hb = lastHeartbeat();
        assertThat(hb.appliedConfigVersion()).isEqualTo(good);
        assertThat(hb.applyError()).startsWith("Config version " + refused + " not applied, running on version " + good)
                .contains("binding " + binding.id()).contains("does not compile in Java").contains("Unclosed group")
                .hasSize(Heartbeat.MAX_APPLY_ERROR).endsWith("…");
        assertThat(herald.configVersion()).isEqualTo(good);
        assertThat(herald.configApplyError()).isEqualTo(hb.applyError());
        // the cached snapshot (used when the control plane is away at start-up) is still the good one
        assertThat(Files.readString(Files.list(cacheDir).findFirst().orElseThrow())).contains("order-.*").doesNotContain("xxxx");
        // and the refused version is not fetched again and again: the poll waits past it
        long polls = configPolls();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> configPolls() <= polls + 1);

        // when the pattern is fixed, the new snapshot applies and the error is gone from the heartbeat
        controlPlane.updateBinding(binding.id(), b -> withPattern(b, "order-(created|paid)"));
        long fixed = controlPlane.version();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Heartbeat now = lastHeartbeat();
            assertThat(now.appliedConfigVersion()).isEqualTo(fixed);
            assertThat(now.applyErrorVersion()).isNull();
            assertThat(now.applyError()).isNull();
        });
        assertThat(herald.configApplyError()).isNull();
    }

    @Test
    void problemNamesEachBindingWhosePatternDoesNotCompileOrWhoseDeadLetterTopicCannotBeWritten() {
        BindingConfig ok = new BindingConfig(1, "g", "t", "REGEX", "a|b", 3, 100, 2.0, 1_000, null, false, 1, "t.g.dlt", false);
        BindingConfig direct = new BindingConfig(2, "g", "u", "DIRECT", "[", 3, 100, 2.0, 1_000, null, false, 1, "u.g.dlt", false);
        BindingConfig broken = new BindingConfig(3, "h", "t", "REGEX", "[a-", 3, 100, 2.0, 1_000, null, false, 1, "t.h.dlt", false);

        assertThat(ConfigAgent.problem(snapshot(ok, direct))).isNull();
        assertThat(ConfigAgent.problem(snapshot(ok, broken, direct)))
                .startsWith("binding 3 (group 'h' on topic 't'): type pattern does not compile in Java: ")
                .doesNotContain("binding 1").doesNotContain("binding 2");
        BindingConfig badDeadLetters = new BindingConfig(4, "g", "t", "FANOUT", "", 3, 100, 2.0, 1_000, null, false, 1,
                "t." + "g".repeat(300) + ".dlt", false);
        assertThat(ConfigAgent.problem(snapshot(ok, badDeadLetters)))
                .startsWith("binding 4 (group 'g' on topic 't'): dead-letter topic cannot be written: ");
    }

    private static ConfigSnapshot snapshot(BindingConfig... bindings) {
        return new ConfigSnapshot("billing", 7, List.of(), List.of(bindings), TracingConfig.DEFAULT);
    }

    private long configPolls() {
        return controlPlane.requests().stream().filter(r -> r.startsWith("GET /api/v1/config/")).count();
    }

    private Heartbeat lastHeartbeat() {
        List<Heartbeat> all = controlPlane.heartbeats();
        assertThat(all).isNotEmpty();
        return all.get(all.size() - 1);
    }
}
