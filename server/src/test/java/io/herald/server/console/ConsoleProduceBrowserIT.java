package io.herald.server.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.herald.server.ingest.KafkaProbe;
import io.herald.server.support.BrowserTest;
import io.herald.server.support.TestInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Producing a message from the console in a real browser: it goes through the same ingestion
 * service as HTTP and gRPC ingestion, so an undeclared type and a payload the type's JSON Schema
 * refuses are shown beside their fields with the HTTP API's words, and nothing reaches Kafka.
 */
class ConsoleProduceBrowserIT extends BrowserTest {

    @Test
    void undeclaredTypeAndAPayloadTheSchemaRefusesAreShownInlineAndOnlyAValidMessageIsWritten() {
        // given: a topic whose one type has a JSON Schema
        String app = unique("shop");
        assertThat(admin.post("/apps", Map.of("name", app)).status()).isEqualTo(201);
        String topic = unique("orders");
        assertThat(admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "order.paid", "jsonSchema",
                        "{\"type\":\"object\",\"required\":[\"orderId\"]}")))).status()).isEqualTo(201);

        try (KafkaProbe probe = new KafkaProbe(TestInfra.kafkaBootstrap(), topic)) {
            page.navigate(baseUrl() + "/topics/" + topic + "/messages");
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Produce a message")).click();
            page.waitForURL(baseUrl() + "/topics/" + topic + "/messages/new");

            // when: a type the topic does not declare is produced
            page.getByLabel("Type", new Page.GetByLabelOptions().setExact(true)).fill("order.payd");
            page.getByLabel("Payload").fill("{\"orderId\": \"o-1\"}");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Produce")).click();

            // then: the ingestion service's words stand beside the type field; what was typed stays
            assertThat(page.locator("#err-type")).containsText("type 'order.payd' is not declared on topic '" + topic + "'");
            assertThat(page.getByLabel("Payload")).hasValue("{\"orderId\": \"o-1\"}");
            shot("produce-01-undeclared-type");

            // when: the type is corrected but the payload lacks what the schema requires
            page.getByLabel("Type", new Page.GetByLabelOptions().setExact(true)).fill("order.paid");
            page.getByLabel("Payload").fill("{\"amount\": 5}");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Produce")).click();

            // then: the schema's refusal stands beside the payload, and the type error is gone
            assertThat(page.locator("#err-body")).containsText("does not match the schema of type 'order.paid'");
            assertThat(page.locator("#err-body")).containsText("orderId");
            assertThat(page.locator("#err-type")).hasCount(0);
            shot("produce-02-schema-refused");

            // and: neither reached Kafka (the valid message below is the topic's first, at offset 0)
            assertThat(probe.poll()).isEmpty();

            // when: a payload the schema takes is produced
            page.getByLabel("Payload").fill("{\"orderId\": \"o-1\", \"amount\": 5}");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Produce")).click();

            // then: the console says where it went, and that one message is on the topic
            assertThat(page.getByText("Message produced to partition 0 at offset 0.")).isVisible();
            List<ConsumerRecord<byte[], byte[]>> records = await().atMost(Duration.ofSeconds(60))
                    .until(probe::poll, l -> !l.isEmpty());
            assertThat(records).hasSize(1);
            assertThat(KafkaProbe.header(records.get(0), "ce_type")).isEqualTo("order.paid");
            assertThat(KafkaProbe.header(records.get(0), "ce_source")).isEqualTo(app);
            assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{\"orderId\": \"o-1\", \"amount\": 5}");
            shot("produce-03-produced");
        }
        // the browser notes the two refused submissions' 422 answers as failed loads; nothing else may be there
        assertThat(consoleProblems).allMatch(p -> p.contains("Failed to load resource: the server responded with a status of 422"));
    }
}
