package io.herald.sdk.it;

import static io.herald.sdk.testing.TraceReader.first;
import static io.herald.sdk.testing.TraceReader.has;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.Message;
import io.herald.sdk.SendResult;
import io.herald.sdk.testing.TestHerald;
import io.herald.sdk.testing.TestKafka;
import io.herald.sdk.testing.TraceReader;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.HeraldTopics;
import io.herald.sdk.wire.Timepoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplayIT {

    private Herald herald;
    private TraceReader trace;

    @AfterEach
    void tearDown() {
        if (herald != null) {
            herald.close();
        }
        if (trace != null) {
            trace.close();
        }
    }

    /** What the server's replay job writes: the original record with its headers, plus the job's. */
    private static ProducerRecord<byte[], byte[]> replayed(String replayTopic, String topic, String type, String id,
                                                           String payload) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(replayTopic, "order-1".getBytes(StandardCharsets.UTF_8),
                payload.getBytes(StandardCharsets.UTF_8));
        r.headers().add(HeraldHeaders.CE_SPECVERSION, "1.0".getBytes(StandardCharsets.UTF_8));
        r.headers().add(HeraldHeaders.CE_ID, id.getBytes(StandardCharsets.UTF_8));
        r.headers().add(HeraldHeaders.CE_SOURCE, "billing".getBytes(StandardCharsets.UTF_8));
        r.headers().add(HeraldHeaders.CONTENT_TYPE, "text/plain; charset=utf-8".getBytes(StandardCharsets.UTF_8));
        r.headers().add(HeraldHeaders.CE_TYPE, type.getBytes(StandardCharsets.UTF_8));
        r.headers().add(HeraldHeaders.REPLAY_JOB, "42".getBytes(StandardCharsets.UTF_8));
        r.headers().add(HeraldHeaders.REPLAY_OF, (topic + ":1:7").getBytes(StandardCharsets.UTF_8));
        r.headers().add(HeraldHeaders.TARGET_TOPIC, topic.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    @Test
    void aRecordOnAGroupsReplayTopicReachesThatGroupsMatchingListenerOnlyEvenIfTheTopicAppearsLater() throws Exception {
        // given: groups A (DIRECT pay-succ) and B (FANOUT) on one topic; A's replay topic does not exist yet
        String topic = TestKafka.uniqueTopic("trade");
        String groupA = "ga-" + UUID.randomUUID().toString().substring(0, 8);
        String groupB = "gb-" + UUID.randomUUID().toString().substring(0, 8);
        TestKafka.createTopics(2, topic);
        trace = new TraceReader();
        herald = TestHerald.builder("billing", null)
                .withSetting(HeraldSettings.REPLAY_DISCOVERY_INTERVAL_MS, 1_000)
                .build();
        List<Message<String>> a = new CopyOnWriteArrayList<>();
        List<Message<String>> b = new CopyOnWriteArrayList<>();
        herald.listen(Binding.direct(topic, "pay-succ").withGroup(groupA), String.class, a::add);
        herald.listen(Binding.fanout(topic).withGroup(groupB), String.class, b::add);
        herald.start();
        SendResult live = herald.sender().send(topic, "pay-succ", "order-0", "live");
        await().atMost(Duration.ofSeconds(60)).until(() -> a.size() == 1 && b.size() == 1);

        // when: the server creates A's replay topic and copies a window into it
        String replayTopic = HeraldTopics.replay(groupA);
        TestKafka.createTopics(3, replayTopic);
        String replayedId = UUID.randomUUID().toString();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrap()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(replayed(replayTopic, topic, "refund", UUID.randomUUID().toString(), "not for A")).get();
            producer.send(replayed(replayTopic, topic, "pay-succ", replayedId, "again")).get();
        }

        // then: A receives the pay-succ again, with its id, as a message of the original topic; B nothing more
        await().atMost(Duration.ofSeconds(60)).until(() -> a.size() == 2);
        Message<String> again = a.get(1);
        assertThat(again.payload()).isEqualTo("again");
        assertThat(again.id()).isEqualTo(replayedId);
        assertThat(again.topic()).isEqualTo(topic);
        assertThat(again.partition()).isEqualTo(1);
        assertThat(again.offset()).isEqualTo(7);
        assertThat(again.header(HeraldHeaders.REPLAY_JOB)).isEqualTo("42");
        herald.sender().send(topic, "pay-succ", "order-9", "after");
        await().atMost(Duration.ofSeconds(60)).until(() -> a.size() == 3 && b.size() == 2);
        assertThat(a).extracting(Message::payload).containsExactly("live", "again", "after");
        assertThat(b).extracting(Message::payload).containsExactly("live", "after");
        List<Timepoint> tps = trace.await(replayedId, t -> has(t, Timepoint.HANDLED), Duration.ofSeconds(60));
        assertThat(tps).extracting(Timepoint::kind).containsSubsequence(Timepoint.REPLAYED, Timepoint.RECEIVED,
                Timepoint.HANDLED);
        assertThat(first(tps, Timepoint.REPLAYED).replayJob()).isEqualTo("42");
        assertThat(first(tps, Timepoint.REPLAYED).group()).isEqualTo(groupA);
        assertThat(first(tps, Timepoint.HANDLED).topic()).isEqualTo(topic);
        assertThat(trace.of(live.messageId())).extracting(Timepoint::kind).doesNotContain(Timepoint.REPLAYED);
    }
}
