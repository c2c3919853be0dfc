package io.herald.server.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.server.common.ValidationException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PayloadMatcherTest {

    private static boolean json(String path, String value, String payload) {
        return PayloadMatcher.of(null, path, value).matches(payload.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "$.order.id      | o-42   | {\"order\":{\"id\":\"o-42\"}}                 | true",
            "$.order.id      | o-4    | {\"order\":{\"id\":\"o-42\"}}                 | false",
            "order.id        | o-42   | {\"order\":{\"id\":\"o-42\"}}                 | true",
            "$.items[1].sku  | b      | {\"items\":[{\"sku\":\"a\"},{\"sku\":\"b\"}]} | true",
            "$['a b']        | x      | {\"a b\":\"x\"}                               | true",
            "$.n             | 17     | {\"n\":17.00}                                 | true",
            "$.n             | 17.0   | {\"n\":17}                                    | true",
            "$.n             | 18     | {\"n\":17}                                    | false",
            "$.ok            | true   | {\"ok\":true}                                 | true",
            "$.none          | null   | {\"none\":null}                               | true",
            "$.city          | Zürich | {\"city\":\"Z\\u00fcrich\"}                   | true",
            "$.order         | o      | {\"order\":{\"id\":\"o\"}}                    | false",
            "$.order.id      | o-42   | not json o-42                                 | false"})
    void jsonFieldEqualsAValue(String path, String value, String payload, boolean expected) {
        assertThat(json(path.strip(), value.strip(), payload.strip())).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"$.items[*].sku", "$..id", "$.a[?(@.b)]", "$.", "$.a b", "$[1:2]", "$.a[", "$"})
    void refusesWhatIsNotASimplePathNamingTheField(String path) {
        assertThatThrownBy(() -> PayloadMatcher.of(null, path, "x")).isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).field()).isEqualTo("jsonPath"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"needle | a needle here | true", "needle | a needl here | false", "é | café | true",
            "\"v\" | {\"v\":1} | true"})
    void textIsFoundInTheUtf8Bytes(String text, String payload, boolean expected) {
        assertThat(PayloadMatcher.of(text, null, null).matches(payload.getBytes(StandardCharsets.UTF_8))).isEqualTo(expected);
        assertThat(PayloadMatcher.of(text, null, null).matches(null)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"x | $.a | 1 | jsonPath", " | $.a |  | value", " |  | 1 | jsonPath"})
    void refusesTextAndPathTogetherAPathWithoutValueAndAValueWithoutPath(String text, String path, String value, String field) {
        assertThatThrownBy(() -> PayloadMatcher.of(text, path, value)).isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).field()).isEqualTo(field));
    }
}
