package io.herald.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.InvalidMessageIdException;
import io.herald.sdk.Message;
import io.herald.sdk.SendOptions;
import io.herald.sdk.SendResult;
import io.herald.sdk.UndeclaredTypeException;
import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Send habits users bring from KiteQ and Koper, with the plain Java SDK against the real server,
 * PostgreSQL and Kafka: a caller-chosen message id, and topics that declare no message types.
 */
class SendHabitsIT extends ServerTest {

    private final List<Herald> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(Herald::close);
    }

    private record App(String name, String key) {
    }

    private App app() {
        String name = unique("habits");
        return new App(name, admin.post("/apps", Map.of("name", name)).json().get("apiKey").asString());
    }

    private String topic(App app, List<Map<String, Object>> types) {
        String topic = unique("habits-t");
        Api.Response t = admin.post("/topics", Map.of("name", topic, "app", app.name(), "partitions", 1, "replicationFactor", 1,
                "types", types));
        assertThat(t.status()).as(t.toString()).isEqualTo(201);
        return topic;
    }

    private Herald herald(App app) throws Exception {
        Herald herald = Herald.builder().withAppName(app.name()).withControlPlane(baseUrl(), app.key())
                .withKafkaBootstrap(TestInfra.kafkaBootstrap())
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, Files.createTempDirectory(Path.of("target"), "habits").toString())
                .withSetting(HeraldSettings.CONSUMER_POLL_TIMEOUT_MS, 100)
                .build();
        clients.add(herald);
        return herald;
    }

    @Test
    void callerChosenMessageIdIsTheMessagesCeId() throws Exception {
        App app = app();
        String topic = topic(app, List.of(Map.of("name", "pay-succ")));
        Herald herald = herald(app);
        List<Message<String>> received = new CopyOnWriteArrayList<>();
        herald.listen(Binding.direct(topic, "pay-succ"), String.class, received::add).start();

        SendResult result = herald.sender().send(topic, "pay-succ", "order-7", "{\"cents\":700}",
                SendOptions.defaults().withMessageId("payment-2026-0042"));

        assertThat(result.messageId()).isEqualTo("payment-2026-0042");
        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == 1);
        assertThat(received.get(0).id()).isEqualTo("payment-2026-0042");
        assertThat(received.get(0).key()).isEqualTo("order-7");
    }

    @Test
    void blankOrOverlongMessageIdIsATypedErrorNamingIt() {
        assertThatThrownBy(() -> SendOptions.defaults().withMessageId("  ")).isInstanceOf(InvalidMessageIdException.class)
                .hasMessageContaining("message id '  ' is blank");
        String tooLong = "k".repeat(201);
        assertThatThrownBy(() -> SendOptions.defaults().withMessageId(tooLong)).isInstanceOf(InvalidMessageIdException.class)
                .hasMessageContaining("is 201 characters long; at most 200")
                .satisfies(e -> assertThat(((InvalidMessageIdException) e).messageId()).isEqualTo(tooLong));
        assertThat(SendOptions.defaults().withMessageId("k".repeat(200)).messageId()).hasSize(200);
    }

    @Test
    void untypedTopicTakesPlainSendsAndFanoutBindingsReceiveThem() throws Exception {
        App app = app();
        String topic = topic(app, List.of());
        Herald herald = herald(app);
        List<Message<String>> received = new CopyOnWriteArrayList<>();
        herald.listen(Binding.fanout(topic), String.class, received::add).start();

        herald.sender().send(topic, "order 1 created");

        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == 1);
        assertThat(received.get(0).payload()).isEqualTo("order 1 created");
        assertThat(received.get(0).type()).isEmpty();
        assertThatThrownBy(() -> herald.sender().send(topic, "order-created", null, "x"))
                .isInstanceOf(UndeclaredTypeException.class)
                .hasMessageContaining("declares no message types, so its messages are untyped")
                .hasMessageNotContaining("name one with");
    }
}
