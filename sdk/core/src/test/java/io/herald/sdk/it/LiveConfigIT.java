package io.herald.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.testing.FakeControlPlane;
import io.herald.sdk.testing.TestHerald;
import io.herald.sdk.testing.TestKafka;
import io.herald.sdk.wire.BindingConfig;
import io.herald.sdk.wire.MessageTypeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LiveConfigIT {

    private final List<Herald> heralds = new ArrayList<>();
    private FakeControlPlane controlPlane;
    private String topic;

    @BeforeEach
    void setUp() {
        topic = TestKafka.uniqueTopic("stock");
        TestKafka.createTopics(1, topic, topic + ".inventory.dlt");
        controlPlane = FakeControlPlane.start("inventory", "key-3");
        controlPlane.topic(topic, true, new MessageTypeConfig("added", null), new MessageTypeConfig("removed", null),
                new MessageTypeConfig("counted", null));
    }

    @AfterEach
    void tearDown() {
        heralds.forEach(Herald::close);
        controlPlane.close();
    }

    private Herald started(Herald h) {
        heralds.add(h);
        return h.start();
    }

    private static BindingConfig withPattern(BindingConfig b, String kind, String pattern) {
        return new BindingConfig(b.id(), b.group(), b.topic(), kind, pattern, b.deliveryLimit(), b.backoffMillis(),
                b.backoffMultiplier(), b.backoffMaxMillis(), b.expiryMillis(), b.paused(), b.concurrency(), b.deadLetterTopic(), b.pushedByServer());
    }

    private static BindingConfig withPaused(BindingConfig b, boolean paused) {
        return new BindingConfig(b.id(), b.group(), b.topic(), b.kind(), b.typePattern(), b.deliveryLimit(), b.backoffMillis(),
                b.backoffMultiplier(), b.backoffMaxMillis(), b.expiryMillis(), paused, b.concurrency(), b.deadLetterTopic(), b.pushedByServer());
    }

    @Test
    void registersCodeDeclaredBindingsAndReportsItsConfigVersionInHeartbeats() {
        Herald herald = started(TestHerald.builder("inventory", controlPlane).build()
                .listen(Binding.regex(topic, "add.*").withDeliveryLimit(4), String.class, m -> { }));

        BindingConfig registered = controlPlane.binding("inventory", topic);
        assertThat(registered.kind()).isEqualTo("REGEX");
        assertThat(registered.typePattern()).isEqualTo("add.*");
        assertThat(registered.deliveryLimit()).isEqualTo(4);
        assertThat(herald.configVersion()).isEqualTo(controlPlane.version());
        await().atMost(Duration.ofSeconds(60)).until(() -> controlPlane.heartbeats().stream()
                .anyMatch(h -> h.instanceId().equals(herald.instanceId()) && h.appliedConfigVersion() == controlPlane.version()
                               && h.app().equals("inventory") && !h.sdkVersion().isBlank()));
    }

    @Test
    void aChangedTypePatternReachesTheRunningConsumerWithinTwoSeconds() {
        List<String> received = new CopyOnWriteArrayList<>();
        Herald herald = started(TestHerald.builder("inventory", controlPlane).build()
                .listen(Binding.direct(topic, "added"), String.class, m -> received.add(m.type())));
        herald.sender().send(topic, "removed", null, "ignored");
        herald.sender().send(topic, "added", null, "seen");
        await().atMost(Duration.ofSeconds(60)).until(() -> received.contains("added"));

        BindingConfig b = controlPlane.binding("inventory", topic);
        long changedAt = System.nanoTime();
        controlPlane.updateBinding(b.id(), old -> withPattern(old, "REGEX", "added|removed"));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> herald.configVersion() == controlPlane.version());
        herald.sender().send(topic, "removed", null, "now wanted");

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> received.contains("removed"));
        assertThat(Duration.ofNanos(System.nanoTime() - changedAt)).as("from the change to the consumer handling the newly wanted type")
                .isLessThan(Duration.ofSeconds(2));
        assertThat(received).containsExactly("added", "removed");
    }

    @Test
    void aPausedBindingStopsConsumingAndResumesWhereItLeftOff() {
        List<String> received = new CopyOnWriteArrayList<>();
        Herald herald = started(TestHerald.builder("inventory", controlPlane).build()
                .listen(Binding.fanout(topic), String.class, m -> received.add(m.payload())));
        BindingConfig b = controlPlane.binding("inventory", topic);

        controlPlane.updateBinding(b.id(), old -> withPaused(old, true));
        await().atMost(Duration.ofSeconds(60)).until(() -> !herald.isListening("inventory", topic));
        herald.sender().send(topic, "added", null, "while paused");
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(60)).until(received::isEmpty);

        controlPlane.updateBinding(b.id(), old -> withPaused(old, false));
        await().atMost(Duration.ofSeconds(60)).until(() -> received.contains("while paused"));
    }

    private static BindingConfig withPushedByServer(BindingConfig b, boolean pushed) {
        return new BindingConfig(b.id(), b.group(), b.topic(), b.kind(), b.typePattern(), b.deliveryLimit(), b.backoffMillis(),
                b.backoffMultiplier(), b.backoffMaxMillis(), b.expiryMillis(), b.paused(), b.concurrency(), b.deadLetterTopic(), pushed);
    }

    @Test
    void aBindingServedByTheServersPushProcessorIsLeftToTheServerAndConsumedHereAgainWhenTheProcessorGoes() {
        List<String> received = new CopyOnWriteArrayList<>();
        Herald herald = started(TestHerald.builder("inventory", controlPlane).build()
                .listen(Binding.fanout(topic), String.class, m -> received.add(m.payload())));
        BindingConfig b = controlPlane.binding("inventory", topic);
        await().atMost(Duration.ofSeconds(60)).until(() -> herald.isListening("inventory", topic));

        controlPlane.updateBinding(b.id(), old -> withPushedByServer(old, true));
        await().atMost(Duration.ofSeconds(60)).until(() -> !herald.isListening("inventory", topic));
        herald.sender().send(topic, "added", null, "pushed by the server");
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(60)).until(received::isEmpty);

        controlPlane.updateBinding(b.id(), old -> withPushedByServer(old, false));
        await().atMost(Duration.ofSeconds(60)).until(() -> herald.isListening("inventory", topic));
        await().atMost(Duration.ofSeconds(60)).until(() -> received.contains("pushed by the server"));
    }

    @Test
    void aBindingRemovedInTheControlPlaneStopsAndANewOneStartsAgain() {
        List<String> received = new CopyOnWriteArrayList<>();
        Herald herald = started(TestHerald.builder("inventory", controlPlane).build()
                .listen(Binding.direct(topic, "counted"), String.class, m -> received.add(m.payload())));
        BindingConfig b = controlPlane.binding("inventory", topic);
        await().atMost(Duration.ofSeconds(60)).until(() -> herald.isListening("inventory", topic));

        controlPlane.removeBinding(b.id());
        await().atMost(Duration.ofSeconds(60)).until(() -> !herald.isListening("inventory", topic));
        herald.sender().send(topic, "counted", null, "sent while unbound");

        controlPlane.addBinding("inventory", topic, "DIRECT", "counted");
        await().atMost(Duration.ofSeconds(60)).until(() -> herald.isListening("inventory", topic));
        await().atMost(Duration.ofSeconds(60)).until(() -> received.contains("sent while unbound"));
    }

    @Test
    void keepsProducingAndConsumingFromTheCachedConfigWhileTheControlPlaneIsDownAndCatchesUpWhenItReturns() throws Exception {
        Path cache = Path.of("target", "herald-cache", UUID.randomUUID().toString());
        Herald first = started(TestHerald.builder("inventory", controlPlane, cache).build()
                .listen(Binding.direct(topic, "added"), String.class, m -> { }));
        assertThat(cache.resolve("inventory-config.json")).exists();
        first.close();
        controlPlane.stop();

        List<String> received = new CopyOnWriteArrayList<>();
        Herald second = started(TestHerald.builder("inventory", controlPlane, cache).build()
                .listen(Binding.direct(topic, "added"), String.class, m -> received.add(m.type())));
        assertThat(second.isControlPlaneReachable()).isFalse();
        long cachedVersion = second.configVersion();
        assertThat(cachedVersion).isPositive();
        second.sender().send(topic, "added", null, "during outage");
        second.sender().send(topic, "counted", null, "not bound yet");
        await().atMost(Duration.ofSeconds(60)).until(() -> received.contains("added"));

        controlPlane.restart();
        BindingConfig b = controlPlane.binding("inventory", topic);
        controlPlane.updateBinding(b.id(), old -> withPattern(old, "REGEX", "added|counted"));
        // the SDK polls again within its retry back-off (at most 15 s by default) once the control plane is back
        await().atMost(Duration.ofSeconds(60)).until(() -> second.configVersion() == controlPlane.version());
        assertThat(second.isControlPlaneReachable()).isTrue();
        second.sender().send(topic, "counted", null, "after return");
        await().atMost(Duration.ofSeconds(60)).until(() -> received.contains("counted"));
        assertThat(Files.readString(cache.resolve("inventory-config.json"))).contains("added|counted");
    }
}
