package io.herald.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IngestFilterTest {

    @ParameterizedTest
    @ValueSource(strings = {"orders", "Orders.v2", "a", "shop_orders-eu.1", "..."})
    void takesAPlainTopicName(String topic) {
        assertThat(IngestFilter.topic("/api/v1/topics/" + topic + "/events", "")).isEqualTo(topic);
        assertThat(IngestFilter.topic("/herald/api/v1/topics/" + topic + "/events", "/herald")).isEqualTo(topic);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/topics//events", "/api/v1/topics/./events", "/api/v1/topics/../events",
            "/api/v1/topics/a%20b/events", "/api/v1/topics/%6Frders/events", "/api/v1/topics/orders;x=1/events",
            "/api/v1/topics/orders/events/", "/api/v1/topics/a/b/events", "/api/v1/topics/events", "/api/v1/topics/orders/event",
            "/api/v2/topics/orders/events", "/api/v1/topics/orders/eventsx", "/api/v1/topics/ördérs/events",
            "/api/v1/topics/orders\\x/events"})
    void leavesEveryOtherPathToTheSecurityChain(String uri) {
        assertThat(IngestFilter.topic(uri, "")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/topics/orders/events", "/other/api/v1/topics/orders/events"})
    void needsTheContextPath(String uri) {
        assertThat(IngestFilter.topic(uri, "/herald")).isNull();
    }
}
