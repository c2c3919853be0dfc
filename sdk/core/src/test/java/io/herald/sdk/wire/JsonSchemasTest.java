package io.herald.sdk.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JsonSchemasTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"required\":\"orderId\"}          | /required",
            "{\"properties\":5}                  | /properties",
            "{\"type\":42}                       | /type",
            "{\"type\":\"objekt\"}               | /type",
            "{\"properties\":{\"a\":{\"minimum\":\"x\"}}} | /properties/a/minimum",
            "[1,2]                               | (root)",
            "{\"type\":                          | (root)",
    })
    void namesThePathOfASchemaThatBreaksTheMetaSchema(String schema, String path) {
        assertThat(JsonSchemas.problems(schema)).isNotEmpty().allSatisfy(p -> assertThat(p).startsWith(path + ": "));
        assertThatThrownBy(() -> JsonSchemas.compile(schema)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "true", "{\"type\":\"object\",\"required\":[\"orderId\"],\"properties\":{\"orderId\":{\"type\":\"string\"}}}",
            "{\"type\":[\"string\",\"null\"]}", "{\"$defs\":{\"id\":{\"type\":\"string\"}},\"properties\":{\"a\":{\"$ref\":\"#/$defs/id\"}}}"})
    void acceptsSoundSchemas(String schema) {
        assertThat(JsonSchemas.problems(schema)).isEmpty();
    }

    @Test
    void validatesPayloadsNamingThePathAtFault() throws Exception {
        JsonSchemas.Validator v = JsonSchemas.compile("{\"type\":\"object\",\"required\":[\"orderId\"],"
                + "\"properties\":{\"amount\":{\"type\":\"number\"}}}");

        assertThat(v.validate(mapper.readTree("{\"orderId\":\"o-1\",\"amount\":3}"))).isEmpty();
        assertThat(v.validate(mapper.readTree("{\"amount\":\"x\"}"))).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("(root): ").contains("orderId"))
                .anySatisfy(p -> assertThat(p).startsWith("/amount: "));
    }
}
