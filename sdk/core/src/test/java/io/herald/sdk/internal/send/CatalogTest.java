package io.herald.sdk.internal.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.sdk.ProduceNotAllowedException;
import io.herald.sdk.UndeclaredTypeException;
import io.herald.sdk.UnknownTopicException;
import io.herald.sdk.internal.codec.PayloadCodec;
import io.herald.sdk.wire.ConfigSnapshot;
import io.herald.sdk.wire.MessageTypeConfig;
import io.herald.sdk.wire.TopicConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogTest {

    private final PayloadCodec codec = new PayloadCodec(PayloadCodec.defaultMapper());
    private final Catalog catalog = Catalog.of(new ConfigSnapshot("billing", 3, List.of(
            new TopicConfig("trade", 2, true, List.of(new MessageTypeConfig("pay-succ",
                    "{\"type\":\"object\",\"required\":[\"amount\"],\"properties\":{\"amount\":{\"type\":\"number\",\"minimum\":0}}}"),
                    new MessageTypeConfig("pay-fail", null))),
            new TopicConfig("audit", 1, false, List.of(new MessageTypeConfig("entry", null))),
            new TopicConfig("koper.orders", 1, true, List.of())), List.of(), null), codec.mapper());

    @Test
    void acceptsADeclaredTypeOnAProducibleTopic() {
        assertThat(catalog.check("trade", "pay-fail").name()).isEqualTo("pay-fail");
    }

    @Test
    void rejectsAnUnknownTopic() {
        assertThatThrownBy(() -> catalog.check("nope", "x")).isInstanceOf(UnknownTopicException.class);
    }

    @Test
    void rejectsATopicTheAppMayNotProduceTo() {
        assertThatThrownBy(() -> catalog.check("audit", "entry")).isInstanceOf(ProduceNotAllowedException.class)
                .hasMessageContaining("'billing' may not produce to topic 'audit'");
    }

    @Test
    void rejectsAnUndeclaredTypeListingTheDeclaredOnes() {
        assertThatThrownBy(() -> catalog.check("trade", "pay-later")).isInstanceOf(UndeclaredTypeException.class)
                .hasMessageContaining("[pay-succ, pay-fail]");
    }

    @Test
    void reportsSchemaViolationsWithTheirPath() {
        Catalog.TypeEntry type = catalog.check("trade", "pay-succ");

        assertThat(type.validate(codec.mapper().valueToTree(Map.of("amount", -5)))).singleElement().asString()
                .startsWith("/amount: ");
        // a missing property is reported at the object holding it: the root, named "(root)"
        assertThat(type.validate(codec.mapper().valueToTree(Map.of()))).singleElement().asString()
                .startsWith("(root): ").contains("amount");
        assertThat(type.validate(codec.mapper().valueToTree(Map.of("amount", 5)))).isEmpty();
    }

    @Test
    void shortFormPicksTheOnlyTypeOrAsksForOne() {
        assertThat(catalog.onlyType("audit")).isEqualTo("entry");
        assertThatThrownBy(() -> catalog.onlyType("trade")).isInstanceOf(UndeclaredTypeException.class);
        assertThat(Catalog.NONE.onlyType("anything")).isNull();
        assertThat(Catalog.NONE.check("anything", "x")).isNull();
    }

    @Test
    void aTopicWithoutTypesTakesUntypedMessages() {
        assertThat(catalog.onlyType("koper.orders")).isEmpty();
        assertThat(catalog.check("koper.orders", "").name()).isEmpty();
        assertThatThrownBy(() -> catalog.check("koper.orders", "order-created")).isInstanceOf(UndeclaredTypeException.class)
                .hasMessage("Topic 'koper.orders' declares no message types, so its messages are untyped: send with an empty type"
                            + " (send(topic, payload) does), or declare type 'order-created' on the topic");
    }
}
