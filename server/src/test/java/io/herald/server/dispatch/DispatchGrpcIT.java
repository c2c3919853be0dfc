package io.herald.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.herald.proto.v1.DispatchRequest;
import io.herald.proto.v1.DispatchResponse;
import io.herald.proto.v1.DispatcherGrpc;
import io.herald.server.ingest.Http;
import io.herald.server.ingest.KafkaProbe;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** gRPC push processors: Herald calls a real grpc-java Dispatcher in the test JVM. */
class DispatchGrpcIT extends ServerTest {

    @org.springframework.beans.factory.annotation.Autowired
    DispatchSupervisor supervisor;

    private final List<DispatchRequest> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile BiConsumer<DispatchRequest, StreamObserver<DispatchResponse>> script;
    private Server dispatcher;
    private String key;
    private String topic;
    private String deadLetterTopic;
    private long processorId;

    @BeforeEach
    void startDispatcher() throws IOException {
        dispatcher = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(new DispatcherGrpc.DispatcherImplBase() {
            @Override
            public void dispatch(DispatchRequest request, StreamObserver<DispatchResponse> response) {
                received.add(request);
                script.accept(request, response);
            }
        }).build().start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        if (processorId > 0) {
            admin.delete("/processors/" + processorId);
        }
        dispatcher.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static void answer(StreamObserver<DispatchResponse> r, DispatchResponse.Outcome outcome) {
        r.onNext(DispatchResponse.newBuilder().setOutcome(outcome).setReason("scripted " + outcome).build());
        r.onCompleted();
    }

    private void processor(Map<String, Object> settings) {
        processor(settings, null);
    }

    /** @param traceSampleRate the topic's own trace sample rate, or null for the server's default */
    private void processor(Map<String, Object> settings, Double traceSampleRate) {
        String app = unique("gpush");
        key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        topic = unique("gpushed");
        Map<String, Object> topicBody = new HashMap<>(Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "a"))));
        if (traceSampleRate != null) {
            topicBody.put("traceSampleRate", traceSampleRate);
        }
        assertThat(admin.post("/topics", topicBody).status()).isEqualTo(201);
        var binding = admin.post("/bindings", Map.of("app", app, "group", "g-" + app, "topic", topic, "kind", "FANOUT")).json();
        deadLetterTopic = binding.get("deadLetterTopic").asString();
        Map<String, Object> body = new HashMap<>(settings);
        body.put("bindingId", binding.get("id").asLong());
        body.put("protocol", "GRPC");
        body.put("address", "127.0.0.1:" + dispatcher.getPort());
        var created = admin.post("/processors", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("protocol").asString()).isEqualTo("GRPC");
        processorId = created.json().get("id").asLong();
    }

    private String send(String id, String payload) {
        Map<String, String> h = new HashMap<>();
        h.put("ce-specversion", "1.0");
        h.put("ce-id", id);
        h.put("ce-source", "/t");
        h.put("ce-type", "a");
        h.put("ce-partitionkey", "customer-9");
        h.put("Content-Type", "application/json");
        Http.Answer a = Http.post(baseUrl() + "/api/v1/topics/" + topic + "/events", key, h, payload.getBytes(StandardCharsets.UTF_8));
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        return id;
    }

    private List<ConsumerRecord<byte[], byte[]>> deadLetters(KafkaProbe probe, int atLeast) {
        return await().atMost(Duration.ofSeconds(60)).until(probe::poll, l -> l.size() >= atLeast);
    }

    @Test
    void dispatcherFailingTwiceGetsTheEventOnTheThirdAttemptWithKeyAndPassBack() {
        // given a Dispatch that is UNAVAILABLE twice, then handles the event
        script = (req, r) -> {
            if (req.getAttempt() <= 2) {
                r.onError(Status.UNAVAILABLE.withDescription("warming up").asRuntimeException());
            } else {
                answer(r, DispatchResponse.Outcome.DONE);
            }
        };
        processor(Map.of("retryIntervalMillis", 100, "retryCount", 3, "timeoutMillis", 2000, "passBack", "tenant-42"));

        // when an event is written
        send("g-1", "{\"orderId\":\"o-1\"}");

        // then the third call carries it, the record key as partitionkey, and the processor's pass-back value
        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() >= 3);
        assertThat(received).extracting(DispatchRequest::getAttempt).containsExactly(1, 2, 3);
        DispatchRequest last = received.get(2);
        assertThat(last.getEvent().getId()).isEqualTo("g-1");
        assertThat(last.getEvent().getType()).isEqualTo("a");
        assertThat(last.getEvent().getTextData()).isEqualTo("{\"orderId\":\"o-1\"}");
        assertThat(last.getEvent().getAttributesOrThrow("partitionkey").getCeString()).isEqualTo("customer-9");
        assertThat(last.getEvent().getAttributesOrThrow("datacontenttype").getCeString()).isEqualTo("application/json");
        assertThat(last.getPassBack()).isEqualTo("tenant-42");
        assertThat(last.getProcessor()).startsWith("g-");

        // and the processor's own metrics, labelled with its group, count one push and two failed attempts
        String group = last.getProcessor();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            String scrape = new io.herald.server.support.Api(baseUrl() + "/actuator", ADMIN_TOKEN).get("/prometheus").body();
            assertThat(scrape).containsPattern("herald_dispatch_processor_pushed_total\\{[^}]*processor=\"" + group + "\"[^}]*} 1\\.0")
                    .containsPattern("herald_dispatch_processor_failed_total\\{[^}]*processor=\"" + group + "\"[^}]*} 2\\.0");
        });
        // the message's trace shows the processor's group like any SDK group: received, failed twice, retried, handled
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(admin.get("/messages/g-1/trace").body())
                .contains(group).contains("RECEIVED").contains("RETRIED").contains("FAILED").contains("HANDLED").contains("warming up"));
        assertThat(supervisor.stats(processorId)).hasValueSatisfying(s -> {
            assertThat(s.pushed()).isEqualTo(1);
            assertThat(s.failed()).isEqualTo(2);
            assertThat(s.lastStatus()).isEqualTo("OK");
            assertThat(s.lastError()).contains("UNAVAILABLE").contains("warming up");
        });
    }

    @Test
    void deadlineExceededIsRetriedThenDeadLettered() {
        // a Dispatch that never answers within the processor's timeout
        script = (req, r) -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        processor(Map.of("retryIntervalMillis", 50, "retryCount", 1, "timeoutMillis", 300));

        send("g-slow", "{}");

        try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), deadLetterTopic)) {
            ConsumerRecord<byte[], byte[]> dead = deadLetters(probe, 1).get(0);
            assertThat(KafkaProbe.header(dead, "herald-dlt-reason")).contains("no answer within 300 ms");
            assertThat(KafkaProbe.header(dead, "herald-attempt")).isEqualTo("2");
            assertThat(KafkaProbe.header(dead, "ce_id")).isEqualTo("g-slow");
        }
        assertThat(received).hasSize(2);
    }

    @Test
    void otherStatusesAndDoNotRetryAreDeadLetteredAtOnceAndCancelIsDropped() {
        // per event id: INVALID_ARGUMENT, CANCEL, DO_NOT_RETRY (one key, one partition: called in this order)
        script = (req, r) -> {
            switch (req.getEvent().getId()) {
                case "g-bad" -> r.onError(Status.INVALID_ARGUMENT.withDescription("no such order").asRuntimeException());
                case "g-cancel" -> answer(r, DispatchResponse.Outcome.CANCEL);
                default -> answer(r, DispatchResponse.Outcome.DO_NOT_RETRY);
            }
        };
        processor(Map.of("retryIntervalMillis", 50, "retryCount", 5, "timeoutMillis", 2000));

        send("g-bad", "{}");
        send("g-cancel", "{}");
        send("g-refused", "{}");

        try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), deadLetterTopic)) {
            List<ConsumerRecord<byte[], byte[]>> dead = deadLetters(probe, 2);
            assertThat(dead).extracting(r -> KafkaProbe.header(r, "ce_id")).containsExactly("g-bad", "g-refused");
            assertThat(KafkaProbe.header(dead.get(0), "herald-dlt-reason")).contains("INVALID_ARGUMENT").contains("no such order");
            assertThat(KafkaProbe.header(dead.get(1), "herald-dlt-reason")).contains("asked not to retry");
        }
        // each was called once: no retries for any of them, and the cancelled one is not dead-lettered
        assertThat(received).extracting(r -> r.getEvent().getId()).containsExactly("g-bad", "g-cancel", "g-refused");
    }

    @Test
    void statusesTheProcessorListsAreRetriedTooAndOthersStillDeadLettered() {
        // NOT_FOUND (listed: the order is not replicated yet) twice, then handled; INTERNAL (not listed) at once to the dead letters
        script = (req, r) -> {
            if (req.getEvent().getId().equals("g-late") && req.getAttempt() <= 2) {
                r.onError(Status.NOT_FOUND.withDescription("order not replicated yet").asRuntimeException());
            } else if (req.getEvent().getId().equals("g-broken")) {
                r.onError(Status.INTERNAL.withDescription("bug").asRuntimeException());
            } else {
                answer(r, DispatchResponse.Outcome.DONE);
            }
        };
        processor(Map.of("retryIntervalMillis", 50, "retryCount", 3, "timeoutMillis", 2000, "retryStatusCodes", List.of(5)));
        assertThat(admin.get("/processors/" + processorId).json().get("retryStatusCodes").toString()).isEqualTo("[5]");

        send("g-late", "{}");
        send("g-broken", "{}");

        try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), deadLetterTopic)) {
            List<ConsumerRecord<byte[], byte[]>> dead = deadLetters(probe, 1);
            assertThat(dead).extracting(r -> KafkaProbe.header(r, "ce_id")).containsExactly("g-broken");
            assertThat(KafkaProbe.header(dead.get(0), "herald-dlt-reason")).contains("INTERNAL").contains("not retried");
        }
        // one key, one partition: g-late's three attempts come before g-broken's only one
        assertThat(received).extracting(r -> r.getEvent().getId() + "#" + r.getAttempt())
                .containsExactly("g-late#1", "g-late#2", "g-late#3", "g-broken#1");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(admin.get("/messages/g-late/trace").body())
                .contains("NOT_FOUND").contains("listed in the processor's retryStatusCodes").contains("HANDLED"));

        // an HTTP status is no gRPC status: refused naming the field, nothing changes
        var refused = admin.patch("/processors/" + processorId, Map.of("retryStatusCodes", List.of(404)));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
        assertThat(refused.body()).contains("retryStatusCodes").contains("gRPC status codes");
        // and a processor turned to HTTP cannot keep gRPC codes
        var toHttp = admin.patch("/processors/" + processorId, Map.of("protocol", "HTTP", "address", "http://127.0.0.1:1/hook"));
        assertThat(toHttp.status()).as(toHttp.toString()).isEqualTo(422);
        assertThat(toHttp.body()).contains("retryStatusCodes").contains("4xx");
        assertThat(admin.get("/processors/" + processorId).json().get("retryStatusCodes").toString()).isEqualTo("[5]");
    }

    /** The kinds of the timepoints the processor's group recorded for a message, in order (none: an empty list). */
    private List<String> groupSteps(String messageId, String group) {
        var answer = admin.get("/messages/" + messageId + "/trace");
        if (answer.status() == 404) {
            return List.of();
        }
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        List<String> kinds = new java.util.ArrayList<>();
        for (var step : answer.json().get("timeline")) {
            if (step.hasNonNull("group") && group.equals(step.get("group").asString())) {
                kinds.add(step.get("kind").asString());
            }
        }
        return kinds;
    }

    @Test
    void onATopicSampledAtZeroPushedMessagesLeaveNoTraceButTheirFailuresDo() {
        // given a topic traced at rate 0 and a Dispatch that handles g-ok, fails g-flaky once, refuses g-bad
        script = (req, r) -> {
            switch (req.getEvent().getId()) {
                case "g-bad" -> r.onError(Status.INVALID_ARGUMENT.withDescription("no such order").asRuntimeException());
                case "g-flaky" -> {
                    if (req.getAttempt() == 1) {
                        r.onError(Status.UNAVAILABLE.withDescription("warming up").asRuntimeException());
                    } else {
                        answer(r, DispatchResponse.Outcome.DONE);
                    }
                }
                default -> answer(r, DispatchResponse.Outcome.DONE);
            }
        };
        processor(Map.of("retryIntervalMillis", 50, "retryCount", 3, "timeoutMillis", 2000), 0.0);

        // when the three are pushed (one key: in this order)
        send("g-ok", "{}");
        send("g-flaky", "{}");
        send("g-bad", "{}");
        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() >= 4);
        String group = received.get(0).getProcessor();

        // then the failures are traced whatever the rate: g-bad failed and went to the dead letters,
        // g-flaky failed, was retried and handled (its trace ends); neither has a RECEIVED
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(groupSteps("g-bad", group)).containsExactly("FAILED", "DEAD_LETTERED");
            assertThat(groupSteps("g-flaky", group)).containsExactly("FAILED", "RETRIED", "HANDLED");
        });
        // and the message pushed at the first attempt left no RECEIVED and no HANDLED
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> groupSteps("g-ok", group).isEmpty());
        // while the processor's counts still count every push
        assertThat(supervisor.stats(processorId)).hasValueSatisfying(s -> {
            assertThat(s.pushed()).isEqualTo(2);
            assertThat(s.failed()).isEqualTo(2);
            assertThat(s.deadLettered()).isEqualTo(1);
        });
    }

    @Test
    void onATopicSampledAtOneEveryPushedMessageIsTraced() {
        // given a topic traced at rate 1 and a Dispatch that handles everything
        script = (req, r) -> answer(r, DispatchResponse.Outcome.DONE);
        processor(Map.of("retryIntervalMillis", 50, "retryCount", 3, "timeoutMillis", 2000), 1.0);

        // when 20 events are pushed
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(send("g-all-" + i, "{}"));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() >= 20);
        String group = received.get(0).getProcessor();

        // then each one's trace shows the processor's group: received and handled
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String id : ids) {
                assertThat(groupSteps(id, group)).as(id).containsExactly("RECEIVED", "HANDLED");
            }
        });
    }

    @Test
    void grpcProcessorNeedsAHostAndPort() {
        String app = unique("gbad");
        admin.post("/apps", Map.of("name", app));
        String t = unique("gbadt");
        admin.post("/topics", Map.of("name", t, "app", app, "partitions", 1, "replicationFactor", 1, "types", List.of(Map.of("name", "a"))));
        long binding = admin.post("/bindings", Map.of("app", app, "group", "g-" + app, "topic", t, "kind", "FANOUT")).json().get("id").asLong();

        var refused = admin.post("/processors", Map.of("bindingId", binding, "protocol", "GRPC", "address", "http://billing/dispatch"));

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("field").asString()).isEqualTo("address");
        assertThat(refused.toString()).contains("host:port");
    }
}
