package io.herald.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.Listen;
import io.herald.sdk.Message;
import io.herald.sdk.spring.HeraldAutoConfiguration;
import io.herald.server.ingest.KafkaProbe;
import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Consumer habits users bring from KiteQ, as their programs are written (the plain Java SDK, or a
 * Spring Boot app with the starter), against the real server, PostgreSQL and Kafka.
 */
class KiteqHabitsIT extends ServerTest {

    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
    }

    private record App(String name, String key, String topic) {
    }

    private App app() {
        String name = unique("kiteq");
        String key = admin.post("/apps", Map.of("name", name)).json().get("apiKey").asString();
        String topic = unique("kiteq-t");
        Api.Response t = admin.post("/topics", Map.of("name", topic, "app", name, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "pay-succ"))));
        assertThat(t.status()).as(t.toString()).isEqualTo(201);
        return new App(name, key, topic);
    }

    private Herald herald(App app) throws Exception {
        return herald(app, new SimpleMeterRegistry());
    }

    private Herald herald(App app, MeterRegistry registry) throws Exception {
        Herald herald = Herald.builder().withAppName(app.name()).withControlPlane(baseUrl(), app.key())
                .withMeterRegistry(registry)
                .withKafkaBootstrap(TestInfra.kafkaBootstrap())
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, Files.createTempDirectory(Path.of("target"), "kiteq").toString())
                .withSetting(HeraldSettings.CONSUMER_POLL_TIMEOUT_MS, 100)
                .build();
        clients.add(herald);
        return herald;
    }

    /** Calls per message id (payload) the listeners below received. */
    static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

    private static int calls(String payload) {
        AtomicInteger n = CALLS.get(payload);
        return n == null ? 0 : n.get();
    }

    /** KiteQ's {@code OnMessage(msg) bool}: "later" is not consumed at the first try, "never" at no try. */
    public static class PaymentListener {
        @Listen(topic = "${topic}", type = "pay-succ", group = "${group}", deliveryLimit = 3, backoffMillis = 100)
        public boolean onMessage(Message<String> message) {
            int call = CALLS.computeIfAbsent(message.payload(), p -> new AtomicInteger()).incrementAndGet();
            return !message.payload().startsWith("never") && (!message.payload().startsWith("later") || call > 1);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadLetters(KafkaProbe dlt, String payload) {
        return dlt.matching(r -> payload.equals(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static java.util.function.UnaryOperator<String> placeholders(String topic, String group) {
        return text -> text.replace("${topic}", topic).replace("${group}", group);
    }

    @Test
    void listenerAnsweringFalseIsRetriedUnderTheDeliveryLimitThenDeadLetteredAsRejected() throws Exception {
        App app = app();
        String group = "billing-" + app.name();
        Herald herald = herald(app);
        String never = "never-" + app.name();
        String later = "later-" + app.name();
        String now = "now-" + app.name();
        herald.register(new PaymentListener(), placeholders(app.topic(), group)).start();

        herald.sender().send(app.topic(), "pay-succ", "k1", never);
        herald.sender().send(app.topic(), "pay-succ", "k2", later);
        herald.sender().send(app.topic(), "pay-succ", "k3", now);

        assertRejectedAndConsumed(app.topic() + "." + group + ".dlt", never, later, now);
    }

    private static void assertRejectedAndConsumed(String deadLetterTopic, String never, String later, String now) {
        try (KafkaProbe dlt = new KafkaProbe(TestInfra.kafkaBootstrap(), deadLetterTopic)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !deadLetters(dlt, never).isEmpty());
            ConsumerRecord<byte[], byte[]> dead = deadLetters(dlt, never).get(0);
            assertThat(KafkaProbe.header(dead, "herald-dlt-reason")).isEqualTo("rejected");
            assertThat(KafkaProbe.header(dead, "herald-attempt")).isEqualTo("3");
            await().atMost(Duration.ofSeconds(60)).until(() -> calls(later) >= 2 && calls(now) >= 1);
            assertThat(calls(never)).as("false is retried up to the delivery limit").isEqualTo(3);
            assertThat(calls(later)).as("consumed at the second attempt").isEqualTo(2);
            assertThat(calls(now)).as("true: consumed at once").isEqualTo(1);
            assertThat(deadLetters(dlt, later)).isEmpty();
            assertThat(deadLetters(dlt, now)).isEmpty();
        }
    }

    @Test
    void unlimitedDeliveryLimitRetriesUnderTheCappedBackOffUntilTheListenerConsumes() throws Exception {
        App app = app();
        String group = "billing-" + app.name();
                String stubborn = "stubborn-" + app.name();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Herald herald = herald(app, registry);
        herald.listen(Binding.direct(app.topic(), "pay-succ").withGroup(group).withDeliveryLimit(Binding.UNLIMITED)
                        .withBackoff(Duration.ofMillis(20), 2.0, Duration.ofMillis(100)), String.class,
                m -> {
                    if (CALLS.computeIfAbsent(m.payload(), p -> new AtomicInteger()).incrementAndGet() <= 12) {
                        throw new IllegalStateException("ledger not reachable yet");
                    }
                })
                .start();
        // KiteQ's DeliveryLimit -1, as the catalog shows it: the code-declared binding registered unlimited
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/bindings/" + group + "/" + app.topic()).status() == 200);
        assertThat(admin.get("/bindings/" + group + "/" + app.topic()).json().get("deliveryLimit").asInt()).isEqualTo(-1);

        herald.sender().send(app.topic(), "pay-succ", "k1", stubborn);

        // the series HeraldRetriesWithoutProgress (ops/prometheus) reads to show a binding stuck on a message
        Tags series = Tags.of("app", app.name(), "group", group, "topic", app.topic());
        await().atMost(Duration.ofSeconds(60)).until(() -> calls(stubborn) >= 13);
        try (KafkaProbe dlt = new KafkaProbe(TestInfra.kafkaBootstrap(), app.topic() + "." + group + ".dlt")) {
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(60)).until(() -> calls(stubborn) == 13);
            assertThat(deadLetters(dlt, stubborn)).as("never dead-lettered: retried past the default limit of 3").isEmpty();
            assertThat(registry.get("herald.messages.retried").tags(series).functionCounter().count())
                    .as("one retry per refusal").isEqualTo(12);
            assertThat(registry.get("herald.messages.handled").tags(series).functionCounter().count()).isEqualTo(1);
        }
        Api.Response zero = admin.patch("/bindings/" + group + "/" + app.topic(), Map.of("deliveryLimit", 0));
        assertThat(zero.status()).isEqualTo(422);
        assertThat(zero.json().get("field").asString()).isEqualTo("deliveryLimit");
        assertThat(zero.json().get("detail").asString()).contains("-1 for unlimited");
    }

    /** The Spring Boot form: a bean's {@code @Listen} method answering {@code Boolean}. */
    public static class BoxedPaymentListener {
        @Listen(topic = "${kiteq.topic}", type = "pay-succ", group = "${kiteq.group}", deliveryLimit = 3, backoffMillis = 100)
        public Boolean onPayment(String payload) {
            int call = CALLS.computeIfAbsent(payload, p -> new AtomicInteger()).incrementAndGet();
            return payload.startsWith("never") ? Boolean.FALSE : payload.startsWith("later") ? call > 1 : Boolean.TRUE;
        }
    }

    // Not @Configuration: @SpringBootTest would take a nested one for the server's own context.
    @ImportAutoConfiguration(HeraldAutoConfiguration.class)
    static class SpringShop {
        @Bean
        BoxedPaymentListener paymentListener() {
            return new BoxedPaymentListener();
        }
    }

    @Test
    void springListenerMethodAnsweringBooleanFalseIsRetriedThenDeadLetteredAsRejected() throws Exception {
        App app = app();
        String group = "billing-" + app.name();
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SpringShop.class).web(WebApplicationType.NONE)
                .properties("herald.app=" + app.name(),
                        "herald.control-plane.url=" + baseUrl(),
                        "herald.control-plane.api-key=" + app.key(),
                        "herald.kafka.bootstrap-servers=" + TestInfra.kafkaBootstrap(),
                        "herald.config-cache.dir=" + Files.createTempDirectory(Path.of("target"), "kiteq-spring"),
                        "herald.consumer.poll-timeout-ms=100",
                        "kiteq.topic=" + app.topic(),
                        "kiteq.group=" + group)
                .run();
        clients.add(context);
        Herald herald = context.getBean(Herald.class);
        String never = "never-s-" + app.name();
        String later = "later-s-" + app.name();
        String now = "now-s-" + app.name();

        herald.sender().send(app.topic(), "pay-succ", "k1", never);
        herald.sender().send(app.topic(), "pay-succ", "k2", later);
        herald.sender().send(app.topic(), "pay-succ", "k3", now);

        assertRejectedAndConsumed(app.topic() + "." + group + ".dlt", never, later, now);
    }
}
