package io.herald.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.DelayTooLongException;
import io.herald.sdk.DelayedSendResult;
import io.herald.sdk.Herald;
import io.herald.sdk.testing.TestHerald;
import io.herald.sdk.testing.TestKafka;
import io.herald.sdk.testing.TraceReader;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.HeraldTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DelayedSendIT {

    private Herald herald;

    @AfterEach
    void tearDown() {
        if (herald != null) {
            herald.close();
        }
    }

    private static String text(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void sendDelayedWritesTheRecordTheSchedulerExpectsToTheDelayTopic() {
        // given
        String topic = TestKafka.uniqueTopic("reminders");
        TestKafka.createTopics(1, topic);
        TraceReader.ensureTopic(HeraldTopics.DELAY, 1);
        herald = TestHerald.builder("billing", null).build();

        // when
        DelayedSendResult result = herald.sender().sendDelayed(topic, "remind", "order-7", "{\"n\":1}", Duration.ofHours(2));

        // then
        // the delay topic is shared: read it until this record is there
        ConsumerRecord<byte[], byte[]> r = await().atMost(Duration.ofSeconds(60)).until(() -> TestKafka.read(HeraldTopics.DELAY,
                        Integer.MAX_VALUE, Duration.ofSeconds(3)).stream()
                .filter(x -> result.delayId().equals(text(x, HeraldHeaders.DELAY_ID))).findFirst(), Optional::isPresent).get();
        assertThat(r.partition()).isEqualTo(result.record().partition());
        assertThat(r.offset()).isEqualTo(result.record().offset());
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("order-7");
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
        assertThat(text(r, HeraldHeaders.TARGET_TOPIC)).isEqualTo(topic);
        assertThat(Long.parseLong(text(r, HeraldHeaders.DELAY_UNTIL))).isEqualTo(result.deliverAt().toEpochMilli());
        assertThat(result.deliverAt()).isBetween(Instant.now().plus(Duration.ofMinutes(119)), Instant.now().plus(Duration.ofHours(2)));
        assertThat(text(r, HeraldHeaders.CE_ID)).isEqualTo(result.messageId());
        assertThat(text(r, HeraldHeaders.CE_TYPE)).isEqualTo("remind");
        assertThat(text(r, HeraldHeaders.CE_SOURCE)).isEqualTo("billing");
        assertThat(text(r, HeraldHeaders.CE_SPECVERSION)).isEqualTo("1.0");
        assertThat(text(r, HeraldHeaders.CONTENT_TYPE)).isEqualTo("text/plain; charset=utf-8");
        assertThat(text(r, HeraldHeaders.CE_TIME)).isNotNull();
        assertThat(text(r, HeraldHeaders.TRACEPARENT)).isNotNull();
        assertThat(TestKafka.read(topic, 1, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void aDueTimeInThePastIsDeliveredAtOnceAndOneBeyondThirtyDaysIsRefused() {
        String topic = TestKafka.uniqueTopic("reminders");
        TestKafka.createTopics(1, topic);
        herald = TestHerald.builder("billing", null).build();

        DelayedSendResult now = herald.sender().sendAt(topic, "remind", null, "late", Instant.now().minusSeconds(60));

        assertThat(now.isImmediate()).isTrue();
        assertThat(TestKafka.read(topic, 1, Duration.ofSeconds(60))).hasSize(1);
        assertThatThrownBy(() -> herald.sender().sendDelayed(topic, "remind", null, "far", Duration.ofDays(31)))
                .isInstanceOf(DelayTooLongException.class).hasMessageContaining("PT720H");
    }
}
