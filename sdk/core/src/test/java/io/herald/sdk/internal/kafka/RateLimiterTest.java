package io.herald.sdk.internal.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void spacesPermitsByTheRateAndAnswersHowLongTheNextIsAway() {
        RateLimiter limiter = new RateLimiter(10);
        assertThat(limiter.tryAcquire()).isZero();
        long wait = limiter.tryAcquire();
        assertThat(wait).isPositive().isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        // nothing is taken while it answers a wait
        assertThat(limiter.tryAcquire()).isPositive();
    }

    @Test
    void aLateTakerKeepsTheScheduleSoTheRateHoldsOnAverage() throws Exception {
        RateLimiter limiter = new RateLimiter(100);
        long start = System.nanoTime();
        assertThat(limiter.tryAcquire()).isZero();
        Thread.sleep(55);
        long lateMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // the permits of the time slept are there at once (10 ms spacing), and no more
        int atOnce = 0;
        while (limiter.tryAcquire() == 0) {
            atOnce++;
        }
        long expected = Math.min(lateMillis, 1_000) / 10;
        assertThat((long) atOnce).isBetween(expected - 1, expected + 1);
    }

    @Test
    void refusesARateThatIsNotPositive() {
        assertThatThrownBy(() -> new RateLimiter(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimiter(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
