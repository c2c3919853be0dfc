package io.herald.server.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/** The OpenAPI document at /v3/api-docs: complete, valid, behind a token, and written to target/openapi.json. */
class OpenApiIT extends ServerTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private Api.Response document() {
        return new Api(baseUrl(), ADMIN_TOKEN).get("/v3/api-docs");
    }

    @Test
    void everyRestEndpointIsInTheDocument() {
        JsonNode paths = document().json().get("paths");
        Set<String> served = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            for (String pattern : info.getPatternValues()) {
                if (pattern.startsWith("/api/")) {
                    info.getMethodsCondition().getMethods().forEach(m -> served.add(m.name() + " " + pattern));
                }
            }
        });
        Set<String> documented = new TreeSet<>();
        paths.properties().forEach(p -> p.getValue().properties()
                .forEach(op -> documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + p.getKey())));

        assertThat(served).hasSizeGreaterThan(40);
        assertThat(documented).as("endpoints in /v3/api-docs").containsAll(served);
    }

    @Test
    void documentValidatesWithSwaggerParserAndIsWrittenIntoTheBuild() throws Exception {
        Api.Response r = document();
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        Path out = Path.of("target", "openapi.json");
        Files.writeString(out, Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r.json()));

        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIParser().readContents(r.body(), null, options);

        assertThat(parsed.getMessages()).as("swagger-parser messages").isEmpty();
        assertThat(parsed.getOpenAPI().getPaths()).containsKey("/api/v1/topics/{topic}/events");
        assertThat(Files.size(out)).isGreaterThan(10_000);
    }

    @Test
    void describesBearerProblemsRulesAndIngestionHeaders() {
        JsonNode doc = document().json();

        assertThat(doc.at("/components/securitySchemes/bearer/scheme").asString()).isEqualTo("bearer");
        assertThat(doc.at("/security/0").has("bearer")).isTrue();
        assertThat(doc.at("/components/schemas/Problem/properties").has("errors")).isTrue();
        JsonNode createTopic = doc.at("/paths/~1api~1v1~1topics/post");
        assertThat(createTopic.at("/responses/422/content").has("application/problem+json")).isTrue();
        assertThat(createTopic.get("responses").has("201")).as("create answers 201").isTrue();
        assertThat(createTopic.get("responses").has("200")).isFalse();
        assertThat(doc.at("/paths/~1api~1v1~1topics~1{topic}/delete/responses").has("204")).isTrue();
        assertThat(createTopic.at("/responses/401/content/application~1problem+json/schema/$ref").asString())
                .isEqualTo("#/components/schemas/Problem");
        JsonNode topic = doc.at("/components/schemas/TopicBody");
        assertThat(topic.at("/properties/partitions/maximum").asInt()).isEqualTo(10_000);
        assertThat(topic.at("/properties/partitions/minimum").asInt()).isEqualTo(1);
        assertThat(topic.get("required").toString()).contains("\"name\"");
        assertThat(doc.at("/components/schemas/BindingRequest/properties/kind/enum").toString())
                .isEqualTo("[\"DIRECT\",\"REGEX\",\"FANOUT\"]");
        assertThat(doc.at("/components/schemas/ScheduleRequest/properties/fixedRateMillis/minimum").asInt()).isEqualTo(1000);
        assertThat(doc.at("/components/schemas/ProcessorRequest/properties/timeoutMillis/maximum").asInt()).isEqualTo(300_000);
        assertThat(doc.at("/components/schemas/ProducerSettings/properties/checkProtocol/enum").toString())
                .isEqualTo("[\"KAFKA\",\"HTTP\",\"GRPC\"]");

        JsonNode ingest = doc.at("/paths/~1api~1v1~1topics~1{topic}~1events/post");
        Set<String> headers = new TreeSet<>();
        ingest.get("parameters").forEach(p -> {
            if (p.get("in").asString().equals("header")) {
                headers.add(p.get("name").asString());
            }
        });
        assertThat(headers).contains("ce-specversion", "ce-id", "ce-source", "ce-type", "ce-time", "ce-partitionkey",
                "Herald-Delay", "Herald-Deliver-At", "Herald-Expires-At");
        assertThat(ingest.at("/requestBody/content").has("application/cloudevents+json")).isTrue();
        assertThat(ingest.at("/requestBody/content").has("application/cloudevents-batch+json")).isTrue();
        assertThat(ingest.get("responses").has("207")).isTrue();
    }

    @Test
    void theDocumentNeedsATokenOrASignedInUser() {
        Api.Response none = new Api(baseUrl(), null).get("/v3/api-docs");
        String app = unique("docs");
        String key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        Api.Response withKey = new Api(baseUrl(), key).get("/v3/api-docs");

        assertThat(none.status()).isEqualTo(401);
        assertThat(none.isProblem()).isTrue();
        assertThat(withKey.status()).isEqualTo(200);
        assertThat(new Api(baseUrl(), "hk_wrong").get("/v3/api-docs").status()).isEqualTo(401);
    }
}
