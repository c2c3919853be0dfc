package io.herald.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.common.Violations;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CatalogRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"orders", "a", "trade.pay-succ_v2", "A-Z.0_9"})
    void acceptsKafkaLegalTopicNames(String name) {
        Violations v = new Violations();
        CatalogRules.topicName(v, "name", name);
        assertThat(v.isEmpty()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", ".", "..", "has space", "ümlaut", "slash/name", "herald.trace", "__consumer_offsets"})
    void rejectsIllegalTopicNames(String name) {
        Violations v = new Violations();
        CatalogRules.topicName(v, "name", name);
        assertThat(v.has("name")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://x", "mailto:a@b", "http://", "::::", "javascript:alert(1)"})
    void rejectsNonHttpAddresses(String address) {
        Violations v = new Violations();
        CatalogRules.httpAddress(v, "address", address);
        assertThat(v.has("address")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"(", "[a-", "*x"})
    void rejectsPatternsThatDoNotCompile(String pattern) {
        Violations v = new Violations();
        CatalogRules.regex(v, "typePattern", pattern);
        assertThat(v.has("typePattern")).isTrue();
    }

    @org.junit.jupiter.api.Test
    void dotAndUnderscoreCollide() {
        assertThat(CatalogRules.collisionName("a.b_c")).isEqualTo(CatalogRules.collisionName("a_b.c"));
    }
}
