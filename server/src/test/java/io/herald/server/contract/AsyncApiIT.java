package io.herald.server.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The event catalog as AsyncAPI 3.0, checked by the official parser ({@code @asyncapi/parser} from
 * npm, run through node; installed once into {@code ~/.cache/herald}, or where
 * {@code HERALD_ASYNCAPI_PARSER_DIR} says).
 */
class AsyncApiIT extends ServerTest {

    static final String PARSER_VERSION = "3.6.3";
    private static Path parserDir;

    @BeforeAll
    static void installParser() throws Exception {
        String given = System.getenv("HERALD_ASYNCAPI_PARSER_DIR");
        parserDir = given != null && !given.isBlank() ? Path.of(given)
                : Path.of(System.getProperty("user.home"), ".cache", "herald", "asyncapi-parser-" + PARSER_VERSION);
        if (Files.isDirectory(parserDir.resolve("node_modules/@asyncapi/parser"))) {
            return;
        }
        Files.createDirectories(parserDir);
        Process npm = new ProcessBuilder("npm", "install", "--prefix", parserDir.toString(), "--no-audit", "--no-fund",
                "--loglevel=error", "@asyncapi/parser@" + PARSER_VERSION).redirectErrorStream(true).start();
        String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(npm.waitFor(10, TimeUnit.MINUTES)).as("npm install finished").isTrue();
        assertThat(npm.exitValue()).as("npm install @asyncapi/parser: " + out).isZero();
    }

    /** Runs the parser on a document; returns its output, failing with it when the parser found errors. */
    private static String validate(String name, JsonNode document) throws IOException, InterruptedException {
        Path file = Path.of("target", name + ".json");
        Files.writeString(file, Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
        Path script = Path.of("target", "asyncapi-validate.cjs");
        try (var in = AsyncApiIT.class.getResourceAsStream("/asyncapi/validate.cjs")) {
            Files.write(script, in.readAllBytes());
        }
        Process node = new ProcessBuilder("node", script.toString(), parserDir.toString(), file.toString())
                .redirectErrorStream(true).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(out).as("AsyncAPI parser on " + file).contains("errors=0", "parsed=true");
        assertThat(node.exitValue()).as(out).isZero();
        return out;
    }

    private record Catalog(String shop, String billing, String topic, String shopKey) {
    }

    private Catalog catalog() {
        String shop = unique("shop");
        String billing = unique("billing");
        String shopKey = admin.post("/apps", Map.of("name", shop)).json().get("apiKey").asString();
        admin.post("/apps", Map.of("name", billing));
        String topic = unique("orders");
        Api.Response t = admin.post("/topics", Map.of("name", topic, "app", shop, "partitions", 2, "replicationFactor", 1,
                "producers", List.of(billing), "types", List.of(
                        Map.of("name", "order-created", "description", "An order was placed", "jsonSchema", Map.of(
                                "type", "object", "required", List.of("orderId"),
                                "properties", Map.of("orderId", Map.of("type", "string"), "amount", Map.of("type", "number")))),
                        Map.of("name", "order:paid/v1"))));
        assertThat(t.status()).as(t.toString()).isEqualTo(201);
        assertThat(admin.post("/bindings", Map.of("app", billing, "group", "invoicing-" + billing, "topic", topic,
                "kind", "DIRECT", "typePattern", "order-created")).status()).isEqualTo(201);
        assertThat(admin.post("/bindings", Map.of("app", shop, "group", "audit-" + shop, "topic", topic,
                "kind", "FANOUT")).status()).isEqualTo(201);
        return new Catalog(shop, billing, topic, shopKey);
    }

    @Test
    void theWholeCatalogIsAValidAsyncApiDocument() throws Exception {
        Catalog c = catalog();

        JsonNode doc = admin.get("/asyncapi").json();
        validate("asyncapi-catalog", doc);

        assertThat(doc.get("asyncapi").asString()).isEqualTo("3.0.0");
        assertThat(doc.at("/servers/kafka/protocol").asString()).isEqualTo("kafka");
        JsonNode channel = doc.at("/channels/" + c.topic());
        assertThat(channel.get("address").asString()).isEqualTo(c.topic());
        assertThat(channel.at("/bindings/kafka/partitions").asInt()).isEqualTo(2);
        JsonNode created = doc.at("/components/messages/" + c.topic() + ".order-created");
        assertThat(created.at("/payload/required/0").asString()).isEqualTo("orderId");
        assertThat(created.at("/headers/properties/ce_type/enum/0").asString()).isEqualTo("order-created");
        assertThat(created.at("/headers/required").toString()).contains("ce_specversion", "ce_id", "ce_source");
        assertThat(doc.at("/components/messages/" + c.topic() + ".order_paid_v1/name").asString()).isEqualTo("order:paid/v1");
        assertThat(doc.at("/operations/send." + c.shop() + "." + c.topic() + "/action").asString()).isEqualTo("send");
        assertThat(doc.at("/operations/send." + c.billing() + "." + c.topic() + "/action").asString()).isEqualTo("send");
        JsonNode receive = operation(doc, "receive.invoicing-" + c.billing() + "." + c.topic() + ".");
        assertThat(receive.get("action").asString()).isEqualTo("receive");
        assertThat(receive.at("/bindings/kafka/groupId/enum/0").asString()).isEqualTo("invoicing-" + c.billing());
        assertThat(receive.at("/x-herald/kind").asString()).isEqualTo("DIRECT");
        assertThat(receive.get("messages").size()).as("a DIRECT binding receives its one type").isEqualTo(1);
        assertThat(operation(doc, "receive.audit-" + c.shop() + "." + c.topic() + ".").get("messages").size()).isEqualTo(2);
    }

    @Test
    void anAppsDocumentHoldsWhatItSendsAndReceives() throws Exception {
        Catalog c = catalog();

        Api.Response r = new Api("http://127.0.0.1:" + port + "/api/v1", c.shopKey()).get("/apps/" + c.shop() + "/asyncapi");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode doc = r.json();
        validate("asyncapi-app", doc);

        assertThat(doc.at("/operations/send." + c.shop() + "." + c.topic()).isMissingNode()).isFalse();
        assertThat(doc.at("/operations/send." + c.billing() + "." + c.topic()).isMissingNode())
                .as("another app's sends are not the app's").isTrue();
        assertThat(operation(doc, "receive.audit-" + c.shop()).get("action").asString()).isEqualTo("receive");
        assertThat(doc.get("operations").toString()).doesNotContain("invoicing-");
        assertThat(new Api("http://127.0.0.1:" + port + "/api/v1", c.shopKey()).get("/apps/" + c.billing() + "/asyncapi")
                .status()).isEqualTo(403);
    }

    private static JsonNode operation(JsonNode doc, String prefix) {
        for (var e : doc.get("operations").properties()) {
            if (e.getKey().startsWith(prefix)) {
                return e.getValue();
            }
        }
        throw new AssertionError("no operation " + prefix + "* in " + doc.get("operations").propertyNames());
    }
}
