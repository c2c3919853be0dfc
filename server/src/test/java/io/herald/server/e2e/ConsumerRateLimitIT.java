package io.herald.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A binding's {@code ratePerSecond} (KiteQ's watermark), set in the catalog, limits what one SDK
 * instance hands to the group's listener, and a live change reaches it without a restart.
 */
class ConsumerRateLimitIT extends ServerTest {

    private Herald herald;

    @AfterEach
    void close() {
        if (herald != null) {
            herald.close();
        }
    }

    @Test
    void aBindingAtTwentyPerSecondTakesAboutTenSecondsForTwoHundredAndZeroLiftsTheLimitAtOnce() throws Exception {
        String app = unique("rate");
        String key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        String topic = unique("rate-t");
        assertThat(admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "tick")))).status()).isEqualTo(201);
        String group = "meter-" + app;
        Api.Response binding = admin.post("/bindings", Map.of("app", app, "group", group, "topic", topic, "kind", "FANOUT",
                "ratePerSecond", 20));
        assertThat(binding.status()).as(binding.toString()).isEqualTo(201);
        assertThat(binding.json().get("ratePerSecond").asDouble()).isEqualTo(20.0);

        List<Long> handledAt = new CopyOnWriteArrayList<>();
        herald = Herald.builder().withAppName(app).withControlPlane(baseUrl(), key)
                .withKafkaBootstrap(TestInfra.kafkaBootstrap())
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, Files.createTempDirectory(Path.of("target"), "rate").toString())
                .withSetting(HeraldSettings.CONSUMER_POLL_TIMEOUT_MS, 100)
                .build()
                .listen(Binding.fanout(topic).withGroup(group), String.class, m -> handledAt.add(System.nanoTime()))
                .start();
        herald.sender().send(topic, "tick", "k", "warm-up");
        await().atMost(Duration.ofSeconds(60)).until(() -> handledAt.size() == 1);

        sendAll(topic, 200);
        await().atMost(Duration.ofSeconds(60)).until(() -> handledAt.size() == 201);
        double seconds = (handledAt.get(200) - handledAt.get(1)) / 1e9;
        System.out.printf("ConsumerRateLimitIT: 200 messages at 20/s took %.2f s%n", seconds);
        assertThat(seconds).as("200 messages at 20/s on one instance").isBetween(9.0, 11.0);

        // the next 200 start at 20/s; lifting the limit lets the rest through at once
        sendAll(topic, 200);
        await().atMost(Duration.ofSeconds(60)).until(() -> handledAt.size() >= 221);
        Api.Response lifted = admin.patch("/bindings/" + group + "/" + topic, Map.of("ratePerSecond", 0));
        assertThat(lifted.status()).as(lifted.toString()).isEqualTo(200);
        assertThat(lifted.json().get("ratePerSecond").isNull()).isTrue();
        long liftedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).until(() -> handledAt.size() == 401);
        double rest = (handledAt.get(400) - liftedAt) / 1e9;
        System.out.printf("ConsumerRateLimitIT: the last 180 arrived %.2f s after the limit was lifted%n", rest);
        assertThat(rest).as("what was left, after the limit was lifted (at 20/s it would take %.1f s)",
                (401 - 221) / 20.0).isLessThan(4.0);

        Api.Response negative = admin.patch("/bindings/" + group + "/" + topic, Map.of("ratePerSecond", -5));
        assertThat(negative.status()).isEqualTo(422);
        assertThat(negative.json().get("field").asString()).isEqualTo("ratePerSecond");
    }

    private void sendAll(String topic, int count) {
        CompletableFuture.allOf(IntStream.range(0, count)
                .mapToObj(i -> herald.sender().sendAsync(topic, "tick", "k", "tick " + i))
                .toArray(CompletableFuture[]::new)).join();
    }
}
