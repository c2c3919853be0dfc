package io.herald.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.catalog.BindingKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PushClientTest {

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @CsvSource({"200, SUCCESS", "204, SUCCESS", "500, RETRY", "503, RETRY", "429, RETRY", "408, RETRY", "400, FAIL",
            "404, FAIL", "410, FAIL", "301, FAIL"})
    void answersAreJudgedByStatus(int status, PushClient.Verdict verdict) {
        assertThat(PushClient.judge(status, null, null, java.util.Set.of()).verdict()).isEqualTo(verdict);
    }

    @Test
    void theEndpointCanCancelRetries() {
        assertThat(PushClient.judge(503, null, "false", java.util.Set.of()).verdict()).isEqualTo(PushClient.Verdict.CANCEL);
    }

    @Test
    void tooManyRequestsCarriesItsRetryAfter() {
        assertThat(PushClient.judge(429, "7", null, java.util.Set.of()).retryAfterMillis()).isEqualTo(7000);
        assertThat(PushClient.judge(500, "7", null, java.util.Set.of()).retryAfterMillis()).isNull();
    }

    @Test
    void headerValuesArePercentEncodedAsTheCloudEventsHttpBindingAsks() {
        assertThat(PushClient.percentEncode("order.created".getBytes())).isEqualTo("order.created");
        assertThat(PushClient.percentEncode("a b\"%€".getBytes(StandardCharsets.UTF_8))).isEqualTo("a%20b%22%25%E2%82%AC");
    }

    @Test
    void typeFiltersFollowTheBindingKind() {
        assertThat(TypeFilter.of(BindingKind.FANOUT, "").accepts(null)).isTrue();
        assertThat(TypeFilter.of(BindingKind.DIRECT, "a").accepts("a")).isTrue();
        assertThat(TypeFilter.of(BindingKind.DIRECT, "a").accepts("ab")).isFalse();
        assertThat(TypeFilter.of(BindingKind.REGEX, "order\\..*").accepts("order.created")).isTrue();
        assertThat(TypeFilter.of(BindingKind.REGEX, "order\\..*").accepts("x.order.created")).isFalse();
        assertThat(TypeFilter.of(BindingKind.REGEX, "order\\..*").accepts(null)).isFalse();
    }

    @Test
    void aRegexThatCannotDecideATypeInTimeSaysSoOnceAndRemembersIt() {
        TypeFilter filter = TypeFilter.of(BindingKind.REGEX, "(.*a){12}$");
        String slow = "a".repeat(29) + "b";

        long started = System.nanoTime();
        assertThat(filter.decide(slow)).isEqualTo(TypeFilter.Verdict.TOO_SLOW);
        assertThat(filter.decide(slow)).isEqualTo(TypeFilter.Verdict.TOO_SLOW);
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms for two decisions").isLessThan(1000);
        assertThat(filter.decide("aaaaaaaaaaaa")).isEqualTo(TypeFilter.Verdict.ACCEPT);
        assertThat(filter.decide("a")).isEqualTo(TypeFilter.Verdict.SKIP);
        assertThat(filter.tooSlowReason(slow)).isEqualTo("typePattern '(.*a){12}$' needs more than 50 ms to match the type '"
                + slow + "', so Herald stops it there: write it without nested repetition such as (.*a)* or (a|a)*");
    }

    @Test
    void theRecordKeyReachesTheEndpointAsPartitionKeyAndAsAnAttributeOverGrpc() throws Exception {
        // a plain Kafka record with a key and no ce_partitionkey header (as the SDK writes them)
        org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record = new org.apache.kafka.clients.consumer.ConsumerRecord<>(
                "orders", 0, 7, "customer 7".getBytes(java.nio.charset.StandardCharsets.UTF_8), "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (Endpoint endpoint = new Endpoint(1)) {
            new PushClient(endpoint.url(), 2000, java.util.List.of(), 1, org.apache.hc.client5.http.SystemDefaultDnsResolver.INSTANCE).push(record, 1);
            assertThat(endpoint.received()).singleElement().satisfies(r -> assertThat(r.header("ce-partitionkey")).isEqualTo("customer%207"));
        }
        assertThat(GrpcPushClient.event(record).getAttributesOrThrow("partitionkey").getCeString()).isEqualTo("customer 7");
        assertThat(GrpcPushClient.event(record).getId()).isEqualTo("orders-0-7");
    }
}
