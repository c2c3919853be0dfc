package io.herald.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.SendOptions;
import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A binding's dedupe window, with the real server, SDK and Kafka: a message sent three times with
 * the same caller-chosen id ({@code ce_id}) inside the window is handled once and the two repeats
 * are counted in {@code herald.messages.duplicates}; outside the window, or without one, each copy
 * is handled. The code's window is registered with the control plane, and the API refuses a window
 * longer than a day naming the field.
 */
class DedupeWindowIT extends ServerTest {

    private Herald herald;

    @AfterEach
    void close() {
        if (herald != null) {
            herald.close();
        }
    }

    @Test
    void theSameIdThreeTimesInsideTheWindowIsHandledOnceAndOutsideItOrWithoutAWindowEachTime() throws Exception {
        String app = unique("dedupe");
        String key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        String topic = unique("dedupe-t");
        assertThat(admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "paid")))).status()).isEqualTo(201);
        String longWindow = "long-" + app;
        String shortWindow = "short-" + app;
        String noWindow = "none-" + app;
        List<String> inLong = new CopyOnWriteArrayList<>();
        List<String> inShort = new CopyOnWriteArrayList<>();
        List<String> inNone = new CopyOnWriteArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        herald = Herald.builder().withAppName(app).withControlPlane(baseUrl(), key)
                .withKafkaBootstrap(TestInfra.kafkaBootstrap())
                .withMeterRegistry(registry)
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, Files.createTempDirectory(Path.of("target"), "dedupe").toString())
                .withSetting(HeraldSettings.CONSUMER_POLL_TIMEOUT_MS, 100)
                .build()
                .listen(Binding.fanout(topic).withGroup(longWindow).withDedupeWindow(Duration.ofMinutes(10)), String.class,
                        m -> inLong.add(m.id()))
                .listen(Binding.fanout(topic).withGroup(shortWindow).withDedupeWindow(Duration.ofSeconds(2)), String.class,
                        m -> inShort.add(m.id()))
                .listen(Binding.fanout(topic).withGroup(noWindow), String.class, m -> inNone.add(m.id()))
                .start();

        // the code's windows are registered with the control plane (and pushed back in the snapshot)
        Map<String, Long> windows = new java.util.HashMap<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            admin.get("/bindings?app=" + app).json().forEach(b -> windows.put(b.get("group").asString(),
                    b.get("dedupeWindowMillis").isNull() ? null : b.get("dedupeWindowMillis").asLong()));
            return windows.size() == 3;
        });
        assertThat(windows).containsEntry(longWindow, 600_000L).containsEntry(shortWindow, 2_000L).containsEntry(noWindow, null);

        // when the producer sends the same message three times with its own id (a retry after a failed send)
        for (int i = 0; i < 3; i++) {
            herald.sender().send(topic, "paid", "order-1", "payment " + i, SendOptions.defaults().withMessageId("pay-1"));
        }
        herald.sender().send(topic, "paid", "order-1", "marker", SendOptions.defaults().withMessageId("marker-1"));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> inLong.contains("marker-1") && inShort.contains("marker-1") && inNone.contains("marker-1"));

        // then a group with a window handles it once and counts two duplicates; without a window, three times
        assertThat(inLong).containsExactly("pay-1", "marker-1");
        assertThat(inShort).containsExactly("pay-1", "marker-1");
        assertThat(inNone).containsExactly("pay-1", "pay-1", "pay-1", "marker-1");
        assertThat(duplicates(registry, app, longWindow, topic)).isEqualTo(2.0);
        assertThat(duplicates(registry, app, shortWindow, topic)).isEqualTo(2.0);
        assertThat(registry.find("herald.messages.duplicates").tag("group", noWindow).counter()).isNull();

        // when the same id comes again after the short window is over
        long handledAt = System.currentTimeMillis();
        await().pollDelay(Duration.ofMillis(2_100)).atMost(Duration.ofSeconds(5))
                .until(() -> System.currentTimeMillis() - handledAt > 2_000);
        herald.sender().send(topic, "paid", "order-1", "payment 3", SendOptions.defaults().withMessageId("pay-1"));
        herald.sender().send(topic, "paid", "order-1", "marker", SendOptions.defaults().withMessageId("marker-2"));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> inLong.contains("marker-2") && inShort.contains("marker-2") && inNone.contains("marker-2"));

        // then outside its window it is handled again; inside the long window it is dropped once more
        assertThat(inShort).containsExactly("pay-1", "marker-1", "pay-1", "marker-2");
        assertThat(inLong).containsExactly("pay-1", "marker-1", "marker-2");
        assertThat(inNone).filteredOn("pay-1"::equals).hasSize(4);
        assertThat(duplicates(registry, app, longWindow, topic)).isEqualTo(3.0);
        assertThat(duplicates(registry, app, shortWindow, topic)).isEqualTo(2.0);
        System.out.printf("DedupeWindowIT: 4 copies of one id: handled %d (10 min window), %d (2 s window), %d (none); "
                          + "duplicates counted %.0f and %.0f%n", inLong.stream().filter("pay-1"::equals).count(),
                inShort.stream().filter("pay-1"::equals).count(), inNone.stream().filter("pay-1"::equals).count(),
                duplicates(registry, app, longWindow, topic), duplicates(registry, app, shortWindow, topic));

        // a window longer than a day, or negative, is refused naming the field
        for (long bad : new long[] {86_400_001L, -1L}) {
            Api.Response refused = admin.patch("/bindings/" + noWindow + "/" + topic, Map.of("dedupeWindowMillis", bad));
            assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
            assertThat(refused.json().get("field").asString()).isEqualTo("dedupeWindowMillis");
        }
        Api.Response day = admin.patch("/bindings/" + noWindow + "/" + topic, Map.of("dedupeWindowMillis", 86_400_000L));
        assertThat(day.status()).as(day.toString()).isEqualTo(200);
        assertThat(day.json().get("dedupeWindowMillis").asLong()).isEqualTo(86_400_000L);
    }

    private static double duplicates(SimpleMeterRegistry registry, String app, String group, String topic) {
        Counter c = registry.find("herald.messages.duplicates").tags("app", app, "group", group, "topic", topic).counter();
        return c == null ? 0 : c.count();
    }
}
