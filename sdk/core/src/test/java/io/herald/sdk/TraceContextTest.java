package io.herald.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceContextTest {

    private static final String A = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static final String B = "00-11111111111111111111111111111111-2222222222222222-00";

    @Test
    void acceptsOnlyVersion00ShapedLowerCaseTraceparents() {
        assertThat(TraceContext.isValid(A)).isTrue();
        assertThat(TraceContext.isValid(B)).isTrue();
        assertThat(TraceContext.isValid(A.toUpperCase())).isFalse();
        assertThat(TraceContext.isValid("ff" + A.substring(2))).isFalse();
        assertThat(TraceContext.isValid(A.replace('-', '_'))).isFalse();
        assertThat(TraceContext.isValid(A.substring(0, 54))).isFalse();
        assertThat(TraceContext.isValid(A.substring(0, 10) + "g" + A.substring(11))).isFalse();
        assertThat(TraceContext.isValid(A.substring(0, 53) + "/1")).isFalse();
        assertThat(TraceContext.isValid(null)).isFalse();
    }

    @Test
    void nestedScopesRestoreTheOuterOneThenNone() {
        assertThat(TraceContext.current()).isNull();
        try (TraceContext.Scope outer = TraceContext.with(A)) {
            try (TraceContext.Scope inner = TraceContext.with(B)) {
                assertThat(TraceContext.current()).isEqualTo(B);
            }
            assertThat(TraceContext.current()).isEqualTo(A);
        }
        assertThat(TraceContext.current()).isNull();
        for (int i = 0; i < 3; i++) {
            try (TraceContext.Scope again = TraceContext.with(B)) {
                assertThat(TraceContext.current()).isEqualTo(B);
            }
            assertThat(TraceContext.current()).isNull();
        }
    }

    @Test
    void aConsumedHeaderIsTheContextOnlyWhenItIsATraceparent() {
        java.nio.ByteBuffer name = java.nio.ByteBuffer.wrap("traceparent".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        org.apache.kafka.common.header.Header good = new org.apache.kafka.common.header.internals.RecordHeader(name.duplicate(),
                java.nio.ByteBuffer.wrap(A.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        org.apache.kafka.common.header.Header bad = new org.apache.kafka.common.header.internals.RecordHeader(name.duplicate(),
                java.nio.ByteBuffer.wrap("not-a-traceparent".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));

        try (TraceContext.Scope scope = TraceContext.withHeader(good)) {
            assertThat(TraceContext.current()).isEqualTo(A);
            try (TraceContext.Scope inner = TraceContext.withHeader(bad)) {
                assertThat(TraceContext.current()).isNull();
            }
            assertThat(TraceContext.current()).isEqualTo(A);
        }
        assertThat(TraceContext.current()).isNull();
    }
}
