package io.herald.sdk.it;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import io.herald.sdk.SendOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.testing.FakeControlPlane;
import io.herald.sdk.testing.TestHerald;
import io.herald.sdk.testing.TestKafka;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.MessageTypeConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeliveryGuaranteesIT {

    record Order(String id) {
    }

    private final List<Herald> heralds = new ArrayList<>();
    private FakeControlPlane controlPlane;
    private String topic;
    private String dlt;

    @BeforeEach
    void setUp() {
        topic = TestKafka.uniqueTopic("orders");
        dlt = topic + ".shipping.dlt";
        TestKafka.createTopics(1, topic, dlt);
        controlPlane = FakeControlPlane.start("shipping", "key-2");
        controlPlane.topic(topic, true, new MessageTypeConfig("created", null), new MessageTypeConfig("cancelled", null));
    }

    @AfterEach
    void tearDown() {
        heralds.forEach(Herald::close);
        controlPlane.close();
    }

    private Herald herald() {
        Herald h = TestHerald.builder("shipping", controlPlane).build();
        heralds.add(h);
        return h;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void retriesAFailingHandlerUpToTheDeliveryLimitThenDeadLettersWithHeaders() {
        AtomicInteger attempts = new AtomicInteger();
        List<String> handled = new CopyOnWriteArrayList<>();
        Herald herald = herald().listen(Binding.fanout(topic).withDeliveryLimit(3), String.class, m -> {
            if (m.payload().equals("poison")) {
                attempts.incrementAndGet();
                throw new IllegalStateException("cannot ship " + m.payload());
            }
            handled.add(m.payload());
        }).start();

        herald.sender().send(topic, "created", "k", "poison");
        herald.sender().send(topic, "created", "k", "fine");

        await().atMost(Duration.ofSeconds(60)).until(() -> handled.contains("fine"));
        assertThat(attempts).hasValue(3);
        ConsumerRecord<byte[], byte[]> dead = TestKafka.read(dlt, 1, Duration.ofSeconds(60)).get(0);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("poison");
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("k");
        assertThat(header(dead, HeraldHeaders.DLT_REASON)).isEqualTo("exhausted");
        assertThat(header(dead, HeraldHeaders.DLT_EXCEPTION_CLASS)).isEqualTo(IllegalStateException.class.getName());
        assertThat(header(dead, HeraldHeaders.DLT_EXCEPTION_MESSAGE)).isEqualTo("cannot ship poison");
        assertThat(header(dead, HeraldHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(topic);
        assertThat(header(dead, HeraldHeaders.DLT_ORIGINAL_PARTITION)).isEqualTo("0");
        assertThat(header(dead, HeraldHeaders.DLT_ORIGINAL_OFFSET)).isEqualTo("0");
        assertThat(header(dead, HeraldHeaders.DLT_GROUP)).isEqualTo("shipping");
        assertThat(header(dead, HeraldHeaders.ATTEMPT)).isEqualTo("3");
        assertThat(header(dead, HeraldHeaders.CE_TYPE)).isEqualTo("created");
    }

    @Test
    void deadLettersExpiredMessagesWithoutCallingTheHandlerAndMovesOn() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        Herald herald = herald().listen(Binding.fanout(topic).withExpiry(Duration.ofMinutes(1)), String.class,
                m -> handled.add(m.payload()));
        try (KafkaProducer<byte[], byte[]> plain = new KafkaProducer<>(Map.of("bootstrap.servers", TestKafka.bootstrap()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            long anHourAgo = System.currentTimeMillis() - 3_600_000;
            plain.send(new ProducerRecord<>(topic, null, anHourAgo, null, "stale".getBytes(StandardCharsets.UTF_8))).get();
        }
        herald.start();
        herald.sender().send(topic, "created", null, "fresh");

        await().atMost(Duration.ofSeconds(60)).until(() -> handled.contains("fresh"));
        assertThat(handled).containsExactly("fresh");
        ConsumerRecord<byte[], byte[]> dead = TestKafka.read(dlt, 1, Duration.ofSeconds(60)).get(0);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("stale");
        assertThat(header(dead, HeraldHeaders.DLT_REASON)).isEqualTo("expired");
        assertThat(header(dead, HeraldHeaders.ATTEMPT)).isEqualTo("0");
    }

    @Test
    void deadLettersAMessageWhoseSendersExpiryPassedWithoutCallingTheHandler() {
        Herald sender = herald().start();
        Instant shortLived = Instant.now().plusMillis(300);
        sender.sender().send(topic, "created", "k", "short-lived", SendOptions.defaults().withExpiresAt(shortLived));
        sender.sender().send(topic, "created", "k", "long-lived", SendOptions.defaults().withTimeToLive(Duration.ofMinutes(10)));
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(shortLived.plusMillis(100)));

        List<String> handled = new CopyOnWriteArrayList<>();
        herald().listen(Binding.fanout(topic), String.class, m -> handled.add(m.payload())).start();

        await().atMost(Duration.ofSeconds(60)).until(() -> handled.contains("long-lived"));
        assertThat(handled).containsExactly("long-lived");
        ConsumerRecord<byte[], byte[]> dead = TestKafka.read(dlt, 1, Duration.ofSeconds(60)).get(0);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("short-lived");
        assertThat(header(dead, HeraldHeaders.DLT_REASON)).isEqualTo("expired");
        assertThat(header(dead, HeraldHeaders.ATTEMPT)).isEqualTo("0");
        assertThat(header(dead, HeraldHeaders.EXPIRES_AT)).isEqualTo(Long.toString(shortLived.toEpochMilli()));
    }

    @Test
    void stopsRetryingAMessageOnceItsExpiryComesBeforeTheNextAttempt() {
        AtomicInteger attempts = new AtomicInteger();
        Herald herald = herald().listen(Binding.fanout(topic).withDeliveryLimit(1000), String.class, m -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("down");
        }).start();
        herald.sender().send(topic, "created", "k", "doomed", SendOptions.defaults().withTimeToLive(Duration.ofSeconds(2)));

        ConsumerRecord<byte[], byte[]> dead = TestKafka.read(dlt, 1, Duration.ofSeconds(60)).get(0);
        assertThat(header(dead, HeraldHeaders.DLT_REASON)).isEqualTo("expired");
        assertThat(attempts.get()).isBetween(1, 999);
        assertThat(header(dead, HeraldHeaders.ATTEMPT)).isEqualTo(Integer.toString(attempts.get()));
    }

    @Test
    void refusesAnExpiryThatIsNotAhead() {
        assertThatThrownBy(() -> SendOptions.defaults().withExpiresAt(Instant.now().minusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expiresAt");
        assertThatThrownBy(() -> SendOptions.defaults().withTimeToLive(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeToLive");
    }

    @Test
    void deadLettersAnUnreadableRecordAtOnceAndMovesOn() {
        List<Order> handled = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        Herald herald = herald().listen(Binding.direct(topic, "created"), Order.class, m -> {
            calls.incrementAndGet();
            handled.add(m.payload());
        }).start();

        herald.sender().send(topic, "created", null, "{not json");
        herald.sender().send(topic, "created", null, new Order("o-2"));

        await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == 1);
        assertThat(handled).containsExactly(new Order("o-2"));
        assertThat(calls).hasValue(1);
        ConsumerRecord<byte[], byte[]> dead = TestKafka.read(dlt, 1, Duration.ofSeconds(60)).get(0);
        assertThat(header(dead, HeraldHeaders.DLT_REASON)).isEqualTo("unreadable");
        assertThat(header(dead, HeraldHeaders.DLT_EXCEPTION_CLASS)).isEqualTo("io.herald.sdk.PayloadSerializationException");
    }

    @Test
    void redeliversAMessageWhoseConsumerClosedBeforeTheHandlerReturned() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        Herald first = TestHerald.builder("shipping", controlPlane)
                .withSetting(HeraldSettings.SHUTDOWN_TIMEOUT_MS, 300).build();
        heralds.add(first);
        first.listen(Binding.fanout(topic), String.class, m -> {
            inHandler.countDown();
            new CountDownLatch(1).await(); // hangs until interrupted by the shutdown
        }).start();
        first.sender().send(topic, "created", null, "parcel-1");
        assertThat(inHandler.await(20, TimeUnit.SECONDS)).isTrue();

        first.close();

        List<String> second = new CopyOnWriteArrayList<>();
        herald().listen(Binding.fanout(topic), String.class, m -> second.add(m.payload())).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> second.contains("parcel-1"));
        assertThat(TestKafka.read(dlt, 1, Duration.ofMillis(500))).isEmpty();
    }

    @Test
    void keepsPerKeyOrderOfSuccessfulMessagesAcrossRetries() {
        List<String> handled = new CopyOnWriteArrayList<>();
        AtomicInteger failuresLeft = new AtomicInteger(2);
        Herald herald = herald().listen(Binding.fanout(topic).withDeliveryLimit(5), String.class, m -> {
            if (m.payload().equals("3") && failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("transient");
            }
            handled.add(m.payload());
        }).start();

        for (int i = 0; i < 6; i++) {
            herald.sender().sendAsync(topic, "created", "same-key", Integer.toString(i));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == 6);
        assertThat(handled).containsExactly("0", "1", "2", "3", "4", "5");
    }
}
