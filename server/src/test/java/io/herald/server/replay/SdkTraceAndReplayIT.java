package io.herald.server.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.Message;
import io.herald.sdk.SendResult;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.HeraldTopics;
import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The Java SDK's timepoints and replay topics against the server's trace store and replay jobs. */
class SdkTraceAndReplayIT extends ServerTest {

    private final List<Herald> sdks = new ArrayList<>();

    @AfterEach
    void closeSdks() {
        sdks.forEach(Herald::close);
    }

    private record App(String name, String key, String topic) {
    }

    private App app(int partitions) {
        String name = unique("sdk");
        String key = admin.post("/apps", Map.of("name", name)).json().get("apiKey").asString();
        String topic = unique("orders");
        assertThat(admin.post("/topics", Map.of("name", topic, "app", name, "partitions", partitions, "replicationFactor", 1,
                "types", List.of(Map.of("name", "order-created")))).status()).isEqualTo(201);
        return new App(name, key, topic);
    }

    private void bind(App app, String group, int deliveryLimit) {
        Api.Response r = admin.post("/bindings", Map.of("app", app.name(), "group", group, "topic", app.topic(), "kind", "FANOUT",
                "deliveryLimit", deliveryLimit, "backoffMillis", 100, "backoffMultiplier", 1.0, "backoffMaxMillis", 100));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    private Herald sdk(App app) throws Exception {
        Herald h = Herald.builder().withAppName(app.name()).withControlPlane(baseUrl(), app.key())
                .withKafkaBootstrap(TestInfra.kafkaBootstrap())
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, Files.createTempDirectory(Path.of("target"), "sdk-cache").toString())
                .withSetting(HeraldSettings.TRACING_LINGER_MS, 20)
                .withSetting(HeraldSettings.REPLAY_DISCOVERY_INTERVAL_MS, 1000)
                .build();
        sdks.add(h);
        return h;
    }

    private List<String> kinds(String messageId) {
        List<String> kinds = new ArrayList<>();
        admin.get("/messages/" + messageId + "/trace").json().path("timeline").forEach(t -> kinds.add(t.get("kind").asString()));
        return kinds;
    }

    @Test
    void aMessagesTraceIsCompleteWithinTwoSecondsOfBeingHandled() throws Exception {
        App app = app(1);
        String group = "g-" + app.name();
        bind(app, group, 3);
        List<String> handled = new CopyOnWriteArrayList<>();
        Herald herald = sdk(app);
        herald.listen(Binding.fanout(app.topic()).withGroup(group), String.class, (Message<String> m) -> handled.add(m.id()));
        herald.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> herald.isListening(group, app.topic()));

        // the trace path is up: a first message's trace is complete, however long the SDK's trace producer and the
        // server's ingester took to start
        SendResult first = herald.sender().send(app.topic(), "order-created", "customer-6", "{\"total\":11}");
        await().atMost(Duration.ofSeconds(60)).until(() -> kinds(first.messageId()).containsAll(List.of("SENT", "RECEIVED", "HANDLED")));

        SendResult sent = herald.sender().send(app.topic(), "order-created", "customer-7", "{\"total\":12}");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> handled.contains(sent.messageId()));
        long handledAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> kinds(sent.messageId()).containsAll(List.of("SENT", "RECEIVED", "HANDLED")));
        long completeMs = Duration.ofNanos(System.nanoTime() - handledAt).toMillis();
        System.out.printf("trace complete %d ms after the handler returned%n", completeMs);
        assertThat(completeMs).as("ms from the handler's return to the complete trace").isLessThan(2000);

        JsonNode trace = admin.get("/messages/" + sent.messageId() + "/trace").json();
        assertThat(trace.get("key").asString()).isEqualTo("customer-7");
        assertThat(trace.get("status").asString()).isEqualTo("HANDLED");
        assertThat(trace.get("offset").asLong()).isEqualTo(sent.offset());
        assertThat(trace.at("/groups/0/group").asString()).isEqualTo(group);
        assertThat(trace.at("/groups/0/state").asString()).isEqualTo("HANDLED");
        assertThat(trace.has("traceparent")).isTrue();
        assertThat(admin.get("/traces?key=customer-7&topic=" + app.topic()).json().at("/items/0/messageId").asString())
                .isEqualTo(sent.messageId());
    }

    @Test
    void aFailingHandlerIsTracedAsFailedRetriedDeadLetteredAndARedriveHealsIt() throws Exception {
        App app = app(1);
        String group = "g-" + app.name();
        bind(app, group, 2);
        AtomicBoolean failing = new AtomicBoolean(true);
        List<String> handled = new CopyOnWriteArrayList<>();
        Herald herald = sdk(app);
        herald.listen(Binding.fanout(app.topic()).withGroup(group), String.class, (Message<String> m) -> {
            if (failing.get()) {
                throw new IllegalStateException("card declined");
            }
            handled.add(m.id());
        });
        herald.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> herald.isListening(group, app.topic()));

        SendResult sent = herald.sender().send(app.topic(), "order-created", "k", "{}");
        await().atMost(Duration.ofSeconds(60)).until(() -> kinds(sent.messageId()).contains("DEAD_LETTERED"));
        assertThat(kinds(sent.messageId())).contains("SENT", "RECEIVED", "FAILED", "RETRIED", "DEAD_LETTERED");
        JsonNode trace = admin.get("/messages/" + sent.messageId() + "/trace").json();
        assertThat(trace.get("status").asString()).isEqualTo("DEAD_LETTERED");
        assertThat(trace.at("/groups/0/lastError").asString()).contains("card declined");
        assertThat(admin.get("/traces?topic=" + app.topic() + "&status=failed").json().at("/items/0/messageId").asString())
                .isEqualTo(sent.messageId());

        // the dead letter is listed, then redriven once the handler is fixed
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/dead-letters?topic=" + app.topic() + "&group=" + group)
                .json().get("total").asLong() == 1);
        failing.set(false);
        Api.Response redrive = admin.as(app.key()).post("/dead-letters/redrive", Map.of("topic", app.topic(), "group", group,
                "all", true));
        assertThat(redrive.status()).as(redrive.toString()).isEqualTo(201);
        long job = redrive.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(60)).until(() -> handled.contains(sent.messageId()));
        await().atMost(Duration.ofSeconds(60)).until(() -> "HANDLED".equals(admin.get("/replays/" + job).json()
                .at("/records/0/handling").asString()));
        await().atMost(Duration.ofSeconds(60)).until(() -> "HANDLED".equals(admin.get("/messages/" + sent.messageId() + "/trace")
                .json().get("status").asString()));
        assertThat(kinds(sent.messageId())).contains("REPLAYED");
    }

    @Test
    void aWindowReplayedToOneGroupReachesOnlyThatGroupWhileBothKeepConsuming() throws Exception {
        App app = app(2);
        String groupA = "ga-" + app.name();
        String groupB = "gb-" + app.name();
        bind(app, groupA, 3);
        bind(app, groupB, 3);
        List<Message<String>> a = new CopyOnWriteArrayList<>();
        List<Message<String>> b = new CopyOnWriteArrayList<>();
        Herald herald = sdk(app);
        herald.listen(Binding.fanout(app.topic()).withGroup(groupA), String.class, a::add);
        herald.listen(Binding.fanout(app.topic()).withGroup(groupB), String.class, b::add);
        herald.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> herald.isListening(groupA, app.topic()) && herald.isListening(groupB, app.topic()));

        List<SendResult> sent = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            sent.add(herald.sender().send(app.topic(), "order-created", "k" + i, "{\"n\":" + i + "}"));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> a.size() == 12 && b.size() == 12);

        long from = sent.get(3).timestamp().toEpochMilli();
        long to = sent.get(8).timestamp().toEpochMilli();
        Set<String> window = new HashSet<>();
        sent.stream().filter(s -> s.timestamp().toEpochMilli() >= from && s.timestamp().toEpochMilli() < to)
                .forEach(s -> window.add(s.messageId()));
        Api.Response started = admin.as(app.key()).post("/replays", Map.of("topic", app.topic(), "from", String.valueOf(from),
                "to", String.valueOf(to), "target", Map.of("group", groupA)));
        assertThat(started.status()).as(started.toString()).isEqualTo(201);
        long job = started.json().get("id").asLong();
        // both groups keep consuming new messages meanwhile
        SendResult during = herald.sender().send(app.topic(), "order-created", "k-new", "{\"n\":99}");

        await().atMost(Duration.ofSeconds(60)).until(() -> replayed(a).size() == window.size());
        await().atMost(Duration.ofSeconds(60)).until(() -> ids(a).contains(during.messageId()) && ids(b).contains(during.messageId()));
        assertThat(replayed(a)).containsExactlyInAnyOrderElementsOf(window);
        assertThat(a.stream().filter(m -> m.header(HeraldHeaders.REPLAY_JOB) != null))
                .allMatch(m -> m.header(HeraldHeaders.REPLAY_JOB).equals(String.valueOf(job)) && m.topic().equals(app.topic()));
        assertThat(replayed(b)).isEmpty();
        assertThat(b).hasSize(13);
        assertThat(admin.get("/replays/" + job).json().get("state").asString()).isEqualTo("DONE");
        // the SDK recorded REPLAYED, then the usual timepoints, with the job
        String one = window.iterator().next();
        await().atMost(Duration.ofSeconds(60)).until(() -> kinds(one).contains("REPLAYED"));
        JsonNode trace = admin.get("/messages/" + one + "/trace").json();
        JsonNode groupATrace = null;
        for (JsonNode g : trace.get("groups")) {
            if (g.get("group").asString().equals(groupA)) {
                groupATrace = g;
            }
        }
        assertThat(groupATrace).isNotNull();
        assertThat(groupATrace.at("/replayJobs/0").asString()).isEqualTo(String.valueOf(job));
    }

    @Test
    void aReplayReachesARunningGroupWithinThreeSecondsOfTheJobStarting() throws Exception {
        // given a group declared in code only (its binding registered by the SDK) and the SDK's default replay discovery
        App app = app(2);
        String group = "gr-" + app.name();
        List<Message<String>> got = new CopyOnWriteArrayList<>();
        Herald herald = Herald.builder().withAppName(app.name()).withControlPlane(baseUrl(), app.key())
                .withKafkaBootstrap(TestInfra.kafkaBootstrap())
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, Files.createTempDirectory(Path.of("target"), "sdk-cache").toString())
                .build();
        sdks.add(herald);
        herald.listen(Binding.fanout(app.topic()).withGroup(group), String.class, got::add);
        herald.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> herald.isListening(group, app.topic()));
        SendResult sent = herald.sender().send(app.topic(), "order-created", "k-replay", "{\"n\":1}");
        await().atMost(Duration.ofSeconds(60)).until(() -> ids(got).contains(sent.messageId()));
        // running: the group's replay consumer has joined and holds the replay topic's partitions
        try (Admin kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfra.kafkaBootstrap()))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> kafka
                    .describeConsumerGroups(List.of(group)).all().get().get(group).members().stream()
                    .anyMatch(m -> m.assignment().topicPartitions().stream().anyMatch(tp -> tp.topic().equals(HeraldTopics.replay(group)))));
        }

        // when a replay of that message to the group starts
        long from = sent.timestamp().toEpochMilli();
        long startedAt = System.nanoTime();
        Api.Response started = admin.as(app.key()).post("/replays", Map.of("topic", app.topic(), "from", String.valueOf(from),
                "to", String.valueOf(from + 1), "target", Map.of("group", group)));
        assertThat(started.status()).as(started.toString()).isEqualTo(201);

        // then the running consumer has it again within 3 s
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> replayed(got).contains(sent.messageId()));
        long replayedMs = Duration.ofNanos(System.nanoTime() - startedAt).toMillis();
        System.out.printf("replayed record handled %d ms after the job started%n", replayedMs);
        assertThat(replayedMs).as("ms from the replay's start to the running consumer's handler").isLessThan(3000);
    }

    private static List<String> replayed(List<Message<String>> got) {
        return got.stream().filter(m -> m.header(HeraldHeaders.REPLAY_JOB) != null).map(Message::id).toList();
    }

    private static List<String> ids(List<Message<String>> got) {
        return got.stream().map(Message::id).toList();
    }
}
