package io.herald.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void fixedIntervalRetriesUpToTheCount() {
        RetryPolicy p = new RetryPolicy(500, 3, false, 3_600_000);
        assertThat(p.mayRetry(1)).isTrue();
        assertThat(p.mayRetry(3)).isTrue();
        assertThat(p.mayRetry(4)).isFalse();
        assertThat(p.delayAfter(1, null)).isEqualTo(500);
        assertThat(p.delayAfter(3, null)).isEqualTo(500);
    }

    @Test
    void exponentialDoublesAndIsCapped() {
        RetryPolicy p = new RetryPolicy(100, 50, true, 3_600_000);
        assertThat(p.delayAfter(1, null)).isEqualTo(100);
        assertThat(p.delayAfter(2, null)).isEqualTo(200);
        assertThat(p.delayAfter(4, null)).isEqualTo(800);
        assertThat(p.delayAfter(45, null)).isEqualTo(3_600_000);
    }

    @Test
    void retryAfterWinsAndIsBounded() {
        RetryPolicy p = new RetryPolicy(100, 3, false, 10_000);
        assertThat(p.delayAfter(1, 2_000L)).isEqualTo(2_000);
        assertThat(p.delayAfter(1, 60_000L)).isEqualTo(10_000);
    }

    @Test
    void retryAfterIsReadAsSecondsOrHttpDate() {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        assertThat(RetryPolicy.parseRetryAfter("3", now)).isEqualTo(3000);
        assertThat(RetryPolicy.parseRetryAfter("Tue, 01 Jan 2030 00:00:05 GMT", now)).isEqualTo(5000);
        assertThat(RetryPolicy.parseRetryAfter("soon", now)).isNull();
        assertThat(RetryPolicy.parseRetryAfter(null, now)).isNull();
    }
}
