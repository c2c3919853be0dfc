package io.herald.server.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.herald.server.support.Api;
import io.herald.server.support.RequestBodies;
import io.herald.server.support.ServerTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * Every JSON body of the REST API is read strictly: a field the resource does not have, a value of
 * the wrong JSON type, a number out of range or a field given twice is refused with 400 problem+json
 * naming the field, instead of being dropped or coerced. The endpoints are found from Spring MVC's
 * mappings, so a new endpoint is covered without touching this test.
 */
class StrictJsonIT extends ServerTest {

    /** No error body names a Java class. */
    static final Pattern JAVA_CLASS = Pattern.compile("com\\.fasterxml|tools\\.jackson|java\\.(lang|util|time)|io\\.herald\\.");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void findsTheBodiesOfTheApi() {
        List<RequestBodies.Endpoint> endpoints = RequestBodies.endpoints(mappings);
        assertThat(endpoints).extracting(e -> e.method() + " " + e.pattern())
                .contains("POST /api/v1/bindings", "PATCH /api/v1/bindings/{id}", "POST /api/v1/topics",
                        "PUT /api/v1/producer-settings/{app}", "POST /api/v1/replays", "POST /api/v1/schedules");
    }

    @Test
    void everyBodyOfEveryEndpointRefusesAnUnknownFieldNamingIt() {
        Map<String, String> failures = new LinkedHashMap<>();
        int checked = 0;
        for (RequestBodies.Endpoint e : RequestBodies.endpoints(mappings)) {
            if (tolerant(e.bodyType())) {
                continue;
            }
            for (Map.Entry<String, Class<?>> object : RequestBodies.objects(e.bodyType()).entrySet()) {
                String field = object.getKey().isEmpty() ? "watermark" : object.getKey() + ".watermark";
                Map<String, Object> leaf = RequestBodies.required(object.getValue());
                leaf.put("watermark", 20);
                Api.Response r = admin.send(e.method(), e.path(), RequestBodies.nest(object.getKey(), leaf));
                checked++;
                if (r.status() != 400 || !r.isProblem() || !field.equals(r.json().path("field").asString())
                        || !r.json().path("detail").asString().contains("unknown field '" + field + "'")
                        || JAVA_CLASS.matcher(r.body()).find()) {
                    failures.put(e + " " + field, r.toString());
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(checked).as("bodies and nested objects checked").isGreaterThan(15);
    }

    @Test
    void anUnknownBindingFieldIsNamedWithTheFieldsABindingHas() {
        String app = unique("strict");
        assertThat(admin.post("/apps", Map.of("name", app)).status()).isEqualTo(201);

        Api.Response r = admin.post("/bindings", "{\"app\":\"" + app + "\",\"group\":\"g\",\"topic\":\"t\","
                + "\"kind\":\"FANOUT\",\"watermark\":20,\"maxRetries\":3}");

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.json().path("detail").asString()).isEqualTo("binding: unknown fields 'watermark', 'maxRetries'");
        JsonNode errors = r.json().path("errors");
        assertThat(errors.size()).isEqualTo(2);
        assertThat(errors.get(0).path("field").asString()).isEqualTo("watermark");
        assertThat(errors.get(0).path("message").asString()).contains("deliveryLimit", "typePattern");
        assertThat(admin.get("/bindings?app=" + app).body()).doesNotContain("\"group\":\"g\"");
    }

    @Test
    void anUnknownFieldInsideANestedObjectIsNamedByItsPath() {
        Api.Response r = admin.post("/topics", Map.of("name", unique("strict"), "partitions", 1,
                "types", List.of(Map.of("name", "a"), Map.of("name", "b", "schema", Map.of("type", "object")))));

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().path("field").asString()).isEqualTo("types[1].schema");
        assertThat(r.json().path("errors").get(0).path("message").asString()).contains("jsonSchema");
    }

    @Test
    void scalarsAreNotCoerced() {
        List<Map.Entry<String, Object>> cases = List.of(
                Map.entry("/apps name", Map.of("name", 12345)),
                Map.entry("/apps owner", Map.of("name", unique("c"), "owner", true)),
                Map.entry("/topics partitions", Map.of("name", unique("c"), "partitions", "6")),
                Map.entry("/topics partitions", Map.of("name", unique("c"), "partitions", 1.5)),
                Map.entry("/topics adopt", Map.of("name", unique("c"), "adopt", 1)),
                Map.entry("/topics producers", Map.of("name", unique("c"), "producers", "shop")),
                Map.entry("/bindings deliveryLimit", Map.of("group", "g", "topic", "t", "kind", "FANOUT", "deliveryLimit", "3")),
                Map.entry("/bindings backoffMultiplier", Map.of("group", "g", "topic", "t", "kind", "FANOUT",
                        "backoffMultiplier", "2")));
        cases.forEach(c -> {
            String name = c.getKey();
            Object body = c.getValue();
            String path = name.substring(0, name.indexOf(' '));
            String field = name.substring(name.indexOf(' ') + 1);
            Api.Response r = admin.post(path, body);
            assertThat(r.status()).as(name + ": " + r).isEqualTo(400);
            assertThat(r.isProblem()).isTrue();
            assertThat(r.json().path("field").asString()).as(name).isEqualTo(field);
            assertThat(r.json().path("detail").asString()).as(name).startsWith("Field '" + field + "' must be");
            assertThat(r.body()).as(name).doesNotContainPattern(JAVA_CLASS);
        });
        assertThat(admin.post("/apps", Map.of("name", 12345)).json().path("detail").asString())
                .isEqualTo("Field 'name' must be a string");
    }

    @Test
    void outOfRangeNumbersAndRepeatedFieldsNameTheirField() {
        Api.Response tooBig = admin.post("/topics", "{\"name\":\"" + unique("r") + "\",\"partitions\":99999999999}");
        assertThat(tooBig.status()).as(tooBig.toString()).isEqualTo(400);
        assertThat(tooBig.json().path("field").asString()).isEqualTo("partitions");
        assertThat(tooBig.json().path("detail").asString()).contains("out of range");
        assertThat(tooBig.body()).doesNotContainPattern(JAVA_CLASS);

        Api.Response nested = admin.post("/replays", "{\"topic\":\"t\",\"from\":\"0\",\"target\":{\"group\":\"g\"},"
                + "\"ratePerSecond\":1e400}");
        assertThat(nested.status()).as(nested.toString()).isIn(400, 422);
        assertThat(nested.json().path("field").asString()).isEqualTo("ratePerSecond");

        Api.Response redrive = admin.post("/dead-letters/redrive", "{\"topic\":\"t\",\"group\":\"g\","
                + "\"records\":[{\"partition\":0,\"offset\":123456789012345678901234567890}]}");
        assertThat(redrive.status()).as(redrive.toString()).isEqualTo(400);
        assertThat(redrive.json().path("field").asString()).isEqualTo("records[0].offset");

        Api.Response twice = admin.post("/apps", "{\"name\":\"" + unique("a") + "\",\"name\":\"" + unique("b") + "\"}");
        assertThat(twice.status()).as(twice.toString()).isEqualTo(400);
        assertThat(twice.json().path("field").asString()).isEqualTo("name");
        assertThat(twice.json().path("detail").asString()).isEqualTo("Field 'name' is given more than once");
    }

    @Test
    void theSdkHeartbeatStaysReadableAcrossSdkVersions() {
        // the one documented exception: a newer SDK adds heartbeat fields and must keep heartbeating to an older server
        List<Class<?>> tolerant = RequestBodies.endpoints(mappings).stream().map(RequestBodies.Endpoint::bodyType)
                .filter(StrictJsonIT::tolerant).distinct().toList();
        assertThat(tolerant).extracting(Class::getName).containsExactly("io.herald.sdk.wire.Heartbeat");

        String app = unique("beat");
        assertThat(admin.post("/apps", Map.of("name", app)).status()).isEqualTo(201);
        Api.Response r = admin.post("/clients/heartbeat", Map.of("app", app, "instanceId", "i-1", "host", "h",
                "sdkVersion", "9.9.9", "appliedConfigVersion", 1, "someFutureField", true));
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
    }

    private static boolean tolerant(Class<?> type) {
        JsonIgnoreProperties ignore = type.getAnnotation(JsonIgnoreProperties.class);
        return ignore != null && ignore.ignoreUnknown();
    }
}
