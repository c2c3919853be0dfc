package io.herald.server.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.server.support.Api;
import io.herald.server.support.TestInfra;
import io.herald.server.support.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A server instance holds at most {@code herald.push.max-held-polls} long-polls (2 here): one more that
 * would be held is answered 503 with {@code Retry-After}, and the real SDK poll loop waits at least that
 * long before it polls again (its own back-off starts at 100 ms here, so ignoring the header would show),
 * keeps its config meanwhile, and picks up changes once polls are admitted again.
 */
class HeldPollLimitIT {

    private static final String TOKEN = "held-poll-admin-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static ConfigurableApplicationContext server;
    private static Api admin;
    private static HeldPolls held;

    @BeforeAll
    static void startServer() {
        String db = TestInfra.createDatabase("herald_held_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
        server = TestServers.start(db, TestInfra.kafkaBootstrap(), TOKEN, "--herald.push.long-poll-timeout=120s",
                "--herald.push.max-held-polls=2", "--herald.push.held-poll-retry-after=2s");
        admin = TestServers.api(server, TOKEN);
        held = server.getBean(HeldPolls.class);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static String base() {
        return "http://127.0.0.1:" + TestServers.port(server) + "/api/v1";
    }

    private static CompletableFuture<HttpResponse<String>> poll(String app, String key, long since) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base() + "/config/" + app + "?since=" + since))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPollOverTheLimitIsAnswered503WithRetryAfterAndTheSdkBacksOffUntilPollsAreAdmittedAgain() throws Exception {
        // given an app with a binding, and two polls held for it: the limit
        String app = "held-" + Long.toString(System.nanoTime(), 36);
        String key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        String topic = "t-" + app;
        assertThat(admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "a"), Map.of("name", "b")))).status()).isEqualTo(201);
        Api.Response binding = admin.post("/bindings", Map.of("app", app, "group", "g-" + app, "topic", topic, "kind", "DIRECT",
                "typePattern", "a"));
        assertThat(binding.status()).as(binding.toString()).isEqualTo(201);
        long bindingId = binding.json().get("id").asLong();
        long version = admin.as(key).get("/config/" + app).json().get("version").asLong();
        CompletableFuture<HttpResponse<String>> first = poll(app, key, version);
        CompletableFuture<HttpResponse<String>> second = poll(app, key, version);
        await().atMost(Duration.ofSeconds(60)).until(() -> held.held() == 2);

        // when one more would be held
        HttpResponse<String> refused = poll(app, key, version).get(60, TimeUnit.SECONDS);

        // then it is refused at once, with a problem and a Retry-After
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode problem = Api.JSON.readTree(refused.body());
        assertThat(problem.get("detail").asString()).contains("herald.push.max-held-polls");
        // a poll that can be answered at once (the caller is behind) is answered, limit or not
        assertThat(poll(app, key, 0).get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(held.held()).isEqualTo(2);

        // and the real SDK, whose long-poll is refused, backs off for at least the Retry-After between tries
        long refusedBefore = held.refused();
        try (Herald sdk = Herald.builder().withAppName(app).withControlPlane(base().replace("/api/v1", ""), key)
                .withKafkaBootstrap(TestInfra.kafkaBootstrap())
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, "")
                .withSetting(HeraldSettings.CONTROL_PLANE_RETRY_BACKOFF_MS, 100L)
                .withSetting(HeraldSettings.CONTROL_PLANE_RETRY_BACKOFF_MAX_MS, 10_000L)
                .build().start()) {
            assertThat(sdk.configVersion()).isEqualTo(version);
            long[] at = new long[3];
            for (int n = 1; n <= 2; n++) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (held.refused() < refusedBefore + n && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(2_000_000);
                }
                assertThat(held.refused()).as("refusal %d of the SDK's poll", n).isGreaterThanOrEqualTo(refusedBefore + n);
                at[n] = System.nanoTime();
            }
            // seen within a few ms of each refusal: the second came no sooner than the Retry-After (2 s) after the first
            assertThat(Duration.ofNanos(at[2] - at[1]).toMillis()).isGreaterThanOrEqualTo(1_950);
            assertThat(sdk.isControlPlaneReachable()).isTrue();
            assertThat(sdk.configVersion()).isEqualTo(version);

            // when a change completes the held polls, the SDK's next try is admitted and it applies the change
            assertThat(admin.patch("/bindings/" + bindingId, Map.of("typePattern", "b")).status()).isEqualTo(200);
            assertThat(first.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(second.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> sdk.configVersion() > version);
            // its poll is held now (under the limit) and the next change reaches it too
            await().atMost(Duration.ofSeconds(60)).until(() -> held.held() == 1);
            long applied = sdk.configVersion();
            assertThat(admin.patch("/bindings/" + bindingId, Map.of("typePattern", "a")).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> sdk.configVersion() > applied);
        }
    }
}
