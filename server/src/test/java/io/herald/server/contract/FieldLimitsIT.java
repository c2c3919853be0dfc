package io.herald.server.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.support.Api;
import io.herald.server.support.RequestBodies;
import io.herald.server.support.ServerTest;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * Every string field of every JSON body of the API has a documented maximum (the OpenAPI document's
 * maxLength), and a longer value, or one holding a NUL character, is answered 422 naming the field
 * before anything is stored. The bodies are found from Spring MVC's mappings, so a new field without
 * a limit fails this test.
 */
class FieldLimitsIT extends ServerTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    /** A string field of a body: where it sits, and whether it is a list of strings or a JSON value. */
    record Field(RequestBodies.Endpoint endpoint, String objectPath, Class<?> objectType, String name, Kind kind,
                 Integer max) {
        String path() {
            return (objectPath.isEmpty() ? "" : objectPath + ".") + name + (kind == Kind.LIST ? "[0]" : "");
        }
    }

    enum Kind { STRING, LIST, JSON }

    private List<Field> stringFields() {
        List<Field> fields = new ArrayList<>();
        for (RequestBodies.Endpoint e : RequestBodies.endpoints(mappings)) {
            for (Map.Entry<String, Class<?>> object : RequestBodies.objects(e.bodyType()).entrySet()) {
                Class<?> type = object.getValue();
                if (!type.isRecord()) {
                    continue;
                }
                for (RecordComponent c : type.getRecordComponents()) {
                    String schema = type.getSimpleName();
                    if (c.getType() == String.class) {
                        fields.add(new Field(e, object.getKey(), type, c.getName(), Kind.STRING,
                                RequestRules.maxLength(schema, c.getName())));
                    } else if (JsonNode.class.isAssignableFrom(c.getType())) {
                        fields.add(new Field(e, object.getKey(), type, c.getName(), Kind.JSON,
                                RequestRules.maxLength(schema, c.getName())));
                    } else if (List.class.isAssignableFrom(c.getType()) && RequestBodies.element(c.getGenericType()) == String.class) {
                        fields.add(new Field(e, object.getKey(), type, c.getName(), Kind.LIST,
                                RequestRules.itemMaxLength(schema, c.getName())));
                    }
                }
            }
        }
        return fields;
    }

    @Test
    void everyStringFieldOfEveryBodyHasAMaximum() {
        List<Field> fields = stringFields();
        assertThat(fields).hasSizeGreaterThan(40);
        assertThat(fields.stream().filter(f -> f.max() == null).map(f -> f.objectType().getSimpleName() + "." + f.name())
                .distinct().toList()).as("string fields without a maximum").isEmpty();
    }

    @Test
    void aValueOverItsMaximumIsRefusedWith422NamingTheField() {
        Map<String, String> failures = new LinkedHashMap<>();
        for (Field f : stringFields()) {
            if (f.max() == null) {
                continue;
            }
            String tooLong = "x".repeat(f.max() + 1);
            Api.Response r = admin.send(f.endpoint().method(), f.endpoint().path(), body(f, tooLong));
            if (r.status() != 422 || !r.isProblem() || !names(r, f.path())
                    || !message(r, f.path()).startsWith("must be at most " + f.max() + " characters")) {
                failures.put(f.endpoint() + " " + f.path(), r.status() + " " + abbreviate(r.body()));
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void aNulCharacterIsRefusedWith422NamingTheField() {
        Map<String, String> failures = new LinkedHashMap<>();
        for (Field f : stringFields()) {
            Api.Response r = admin.send(f.endpoint().method(), f.endpoint().path(), body(f, "a\u0000b"));
            if (r.status() != 422 || !r.isProblem() || !names(r, f.path())) {
                failures.put(f.endpoint() + " " + f.path(), r.status() + " " + abbreviate(r.body()));
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void aLongAppDescriptionIsRefusedAndNothingIsStored() {
        String name = unique("limits");
        Api.Response r = admin.post("/apps", Map.of("name", name, "description", "d".repeat(1_000_000)));

        assertThat(r.status()).as(abbreviate(r.body())).isEqualTo(422);
        assertThat(r.json().path("field").asString()).isEqualTo("description");
        assertThat(r.json().path("detail").asString()).isEqualTo("description: must be at most 2000 characters");
        assertThat(admin.get("/apps/" + name).status()).isEqualTo(404);

        assertThat(admin.post("/apps", Map.of("name", name, "description", "d".repeat(2000))).status()).isEqualTo(201);
        Api.Response longer = admin.patch("/apps/" + name, Map.of("description", "d".repeat(2001)));
        assertThat(longer.status()).isEqualTo(422);
        assertThat(admin.get("/apps/" + name).json().path("description").asString()).hasSize(2000);
    }

    @Test
    void theMaximumsAreInTheOpenApiDocument() {
        JsonNode schemas = new Api(baseUrl(), ADMIN_TOKEN).get("/v3/api-docs").json().path("components").path("schemas");
        Set<String> missing = new TreeSet<>();
        for (Field f : stringFields()) {
            JsonNode property = schemas.path(f.objectType().getSimpleName()).path("properties").path(f.name());
            JsonNode limit = switch (f.kind()) {
                case STRING -> property.path("maxLength");
                case LIST -> property.path("items").path("maxLength");
                case JSON -> property.path("description");
            };
            boolean documented = f.kind() == Kind.JSON ? limit.asString("").contains(String.valueOf(f.max()))
                    : limit.isNumber() && limit.asInt() == f.max();
            if (!documented) {
                missing.add(f.objectType().getSimpleName() + "." + f.name() + " " + property);
            }
        }
        assertThat(missing).isEmpty();
    }

    private static Map<String, Object> body(Field f, String value) {
        Map<String, Object> leaf = RequestBodies.required(f.objectType());
        leaf.put(f.name(), f.kind() == Kind.LIST ? List.of(value) : value);
        return RequestBodies.nest(f.objectPath(), leaf);
    }

    private static boolean names(Api.Response r, String field) {
        for (JsonNode e : r.json().path("errors")) {
            if (field.equals(e.path("field").asString())) {
                return true;
            }
        }
        return false;
    }

    private static String message(Api.Response r, String field) {
        for (JsonNode e : r.json().path("errors")) {
            if (field.equals(e.path("field").asString())) {
                return e.path("message").asString();
            }
        }
        return "";
    }

    private static String abbreviate(String s) {
        return s == null || s.length() < 400 ? s : s.substring(0, 400) + "…";
    }
}
