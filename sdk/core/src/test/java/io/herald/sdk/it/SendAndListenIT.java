package io.herald.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.herald.sdk.Binding;
import io.herald.sdk.BrokerUnavailableException;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.Message;
import io.herald.sdk.ProduceNotAllowedException;
import io.herald.sdk.SchemaViolationException;
import io.herald.sdk.SendResult;
import io.herald.sdk.UndeclaredTypeException;
import io.herald.sdk.UnknownTopicException;
import io.herald.sdk.testing.FakeControlPlane;
import io.herald.sdk.testing.TestHerald;
import io.herald.sdk.testing.TestKafka;
import io.herald.sdk.wire.MessageTypeConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SendAndListenIT {

    record Payment(String order, long cents) {
    }

    private FakeControlPlane controlPlane;
    private Herald herald;
    private String topic;

    @BeforeEach
    void setUp() {
        topic = TestKafka.uniqueTopic("trade");
        TestKafka.createTopics(2, topic, topic + ".billing.dlt");
        controlPlane = FakeControlPlane.start("billing", "key-1");
        controlPlane.topic(topic, true, new MessageTypeConfig("pay-succ", null), new MessageTypeConfig("pay-fail", null),
                new MessageTypeConfig("refund", null), new MessageTypeConfig("strict",
                        "{\"type\":\"object\",\"required\":[\"order\",\"cents\"],\"properties\":{\"cents\":{\"type\":\"integer\",\"minimum\":1}}}"));
        controlPlane.topic("audit", false, new MessageTypeConfig("entry", null));
    }

    @AfterEach
    void tearDown() {
        if (herald != null) {
            herald.close();
        }
        controlPlane.close();
    }

    static List<Object[]> bindingKinds() {
        return List.of(
                new Object[] {"DIRECT", List.of("pay-succ")},
                new Object[] {"REGEX", List.of("pay-succ", "pay-fail")},
                new Object[] {"FANOUT", List.of("pay-succ", "pay-fail", "refund")});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bindingKinds")
    void deliversExactlyTheTypesItsBindingKindSelects(String kind, List<String> expectedTypes) {
        Binding binding = switch (kind) {
            case "DIRECT" -> Binding.direct(topic, "pay-succ");
            case "REGEX" -> Binding.regex(topic, "pay-.*");
            default -> Binding.fanout(topic);
        };
        List<String> received = new CopyOnWriteArrayList<>();
        herald = TestHerald.builder("billing", controlPlane).build()
                .listen(binding.withGroup("billing"), String.class, m -> received.add(m.type()))
                .start();

        for (String type : List.of("pay-succ", "pay-fail", "refund")) {
            herald.sender().send(topic, type, "order-1", "payload of " + type);
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() >= expectedTypes.size());
        // a marker sent last proves nothing else is still on its way
        herald.sender().send(topic, "pay-succ", "order-1", "marker");
        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == expectedTypes.size() + 1);
        assertThat(received.subList(0, expectedTypes.size())).containsExactlyElementsOf(expectedTypes);
    }

    @Test
    void deliversPojoPayloadWithMessageAttributes() throws Exception {
        List<Message<Payment>> received = new CopyOnWriteArrayList<>();
        herald = TestHerald.builder("billing", controlPlane).build()
                .listen(Binding.direct(topic, "pay-succ"), Payment.class, received::add)
                .start();

        Instant before = Instant.now().minusSeconds(1);
        SendResult sent = herald.sender().sendAsync(topic, "pay-succ", "order-7", new Payment("order-7", 1250)).get();

        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == 1);
        Message<Payment> m = received.get(0);
        assertThat(m.payload()).isEqualTo(new Payment("order-7", 1250));
        assertThat(m.id()).isEqualTo(sent.messageId());
        assertThat(m.type()).isEqualTo("pay-succ");
        assertThat(m.source()).isEqualTo("billing");
        assertThat(m.key()).isEqualTo("order-7");
        assertThat(m.contentType()).isEqualTo("application/json");
        assertThat(m.partition()).isEqualTo(sent.partition());
        assertThat(m.offset()).isEqualTo(sent.offset());
        assertThat(m.timestamp()).isEqualTo(sent.timestamp());
        assertThat(m.time()).isAfter(before);
        assertThat(m.attempt()).isEqualTo(1);
        assertThat(m.headers()).containsEntry("ce_specversion", "1.0");
    }

    @Test
    void writesRecordsTheCloudEventsSdkReads() {
        herald = TestHerald.builder("billing", controlPlane).build();

        SendResult sent = herald.sender().send(topic, "pay-succ", "order-9", new Payment("order-9", 99));

        ConsumerRecord<byte[], byte[]> record = TestKafka.read(topic, 1, Duration.ofSeconds(60)).get(0);
        CloudEvent event = KafkaMessageFactory.createReader(record).toEvent();
        assertThat(event.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(event.getId()).isEqualTo(sent.messageId());
        assertThat(event.getType()).isEqualTo("pay-succ");
        assertThat(event.getSource().toString()).isEqualTo("billing");
        assertThat(event.getDataContentType()).isEqualTo("application/json");
        // no ce_time: the record's Kafka timestamp is the event time (CloudEvents makes time optional)
        assertThat(event.getTime()).isNull();
        assertThat(Instant.ofEpochMilli(record.timestamp())).isEqualTo(sent.timestamp());
        assertThat(new String(event.getData().toBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"order\":\"order-9\",\"cents\":99}");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("order-9");
    }

    @Test
    void consumesRecordsOfAPlainKafkaProducerWithDefaults() throws Exception {
        List<Message<String>> received = new CopyOnWriteArrayList<>();
        herald = TestHerald.builder("billing", controlPlane).build()
                .listen(Binding.fanout(topic), String.class, received::add)
                .start();

        try (KafkaProducer<String, String> plain = new KafkaProducer<>(Map.of("bootstrap.servers", TestKafka.bootstrap()),
                new StringSerializer(), new StringSerializer())) {
            plain.send(new ProducerRecord<>(topic, "k1", "hello from a plain producer")).get();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == 1);
        Message<String> m = received.get(0);
        assertThat(m.payload()).isEqualTo("hello from a plain producer");
        assertThat(m.type()).isEmpty();
        assertThat(m.source()).isEmpty();
        assertThat(m.id()).isEqualTo(topic + "-" + m.partition() + "-" + m.offset());
        assertThat(m.key()).isEqualTo("k1");
        assertThat(m.time()).isEqualTo(m.timestamp());
    }

    @Test
    void rejectsSendsTheCatalogDoesNotAllowWithTypedExceptions() {
        herald = TestHerald.builder("billing", controlPlane).build().start();

        assertThatThrownBy(() -> herald.sender().send("nowhere", "x", null, "p"))
                .isInstanceOf(UnknownTopicException.class).hasMessageContaining("nowhere");
        assertThatThrownBy(() -> herald.sender().send("audit", "entry", null, "p"))
                .isInstanceOf(ProduceNotAllowedException.class).hasMessageContaining("billing").hasMessageContaining("audit");
        assertThatThrownBy(() -> herald.sender().send(topic, "pay-later", null, "p"))
                .isInstanceOf(UndeclaredTypeException.class).hasMessageContaining("pay-later").hasMessageContaining("pay-succ");
        assertThatThrownBy(() -> herald.sender().send(topic, "strict", null, new Payment("o", 0)))
                .isInstanceOf(SchemaViolationException.class).hasMessageContaining("cents")
                .satisfies(e -> assertThat(((SchemaViolationException) e).isRetryable()).isFalse());
        assertThatThrownBy(() -> herald.sender().send(topic, "p"))
                .isInstanceOf(UndeclaredTypeException.class).hasMessageContaining("name one");
        assertThat(herald.sender().send(topic, "strict", null, new Payment("o", 5)).offset()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void failsWithBrokerUnavailableInsteadOfBlockingWhenKafkaIsDown() {
        herald = TestHerald.builder("billing", null)
                .withKafkaBootstrap("127.0.0.1:1")
                .withSetting(HeraldSettings.PRODUCER_MAX_BLOCK_MS, 500)
                .build();

        long start = System.nanoTime();
        assertThatThrownBy(() -> herald.sender().send(topic, "pay-succ", null, "p"))
                .isInstanceOf(BrokerUnavailableException.class)
                .satisfies(e -> assertThat(((BrokerUnavailableException) e).isRetryable()).isTrue());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThatThrownBy(() -> herald.sender().sendAsync(topic, "pay-succ", null, "p").get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(BrokerUnavailableException.class);
    }
}
