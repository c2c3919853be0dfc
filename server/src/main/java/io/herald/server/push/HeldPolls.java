package io.herald.server.push;

import io.herald.server.common.OverloadedException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Caps the config long-polls this server instance holds ({@code herald.push.max-held-polls}). A held
 * poll costs no thread (it is a {@link DeferredResult}) but a connection and some heap; past the cap a
 * poll that would be held is answered 503 with {@code Retry-After} at once, so a fleet larger than the
 * instance can carry backs off (the SDK waits with jitter) or moves to another instance behind the load
 * balancer, instead of exhausting connections silently. A poll that can be answered at once (a newer
 * snapshot exists) is always answered.
 */
@Component
class HeldPolls {

    private static final Logger log = LoggerFactory.getLogger(HeldPolls.class);

    private final PushProperties props;
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong lastWarned = new AtomicLong();

    HeldPolls(PushProperties props, MeterRegistry meters) {
        this.props = props;
        Gauge.builder("herald.push.polls.held", held, AtomicInteger::get)
                .description("Config long-polls held by this server instance").register(meters);
        io.micrometer.core.instrument.FunctionCounter.builder("herald.push.polls.refused", refused, AtomicLong::get)
                .description("Config long-polls answered 503 because herald.push.max-held-polls were held").register(meters);
    }

    /**
     * Counts {@code poll} as held until it completes, or, when the cap is reached, completes it with
     * {@link OverloadedException} (503, {@code Retry-After}).
     */
    <T> DeferredResult<ResponseEntity<T>> admit(DeferredResult<ResponseEntity<T>> poll) {
        if (poll.hasResult()) {
            return poll;
        }
        if (held.incrementAndGet() > props.maxHeldPolls()) {
            held.decrementAndGet();
            refused.incrementAndGet();
            warnNowAndThen();
            poll.setErrorResult(new OverloadedException("This server instance holds " + props.maxHeldPolls()
                    + " config long-polls (herald.push.max-held-polls); poll again after the Retry-After",
                    props.heldPollRetryAfter()));
            return poll;
        }
        AtomicInteger once = new AtomicInteger();
        Runnable release = () -> {
            if (once.getAndIncrement() == 0) {
                held.decrementAndGet();
            }
        };
        poll.onCompletion(release);
        poll.onError(e -> release.run());
        return poll;
    }

    /** Polls refused so far. */
    long refused() {
        return refused.get();
    }

    /** Polls held right now. */
    int held() {
        return held.get();
    }

    private void warnNowAndThen() {
        long now = System.currentTimeMillis();
        long last = lastWarned.get();
        if (now - last > 60_000 && lastWarned.compareAndSet(last, now)) {
            log.warn("Refusing config long-polls (503): {} held, herald.push.max-held-polls is {}; {} refused so far."
                    + " Add server instances or raise the limit (and server.tomcat.max-connections)",
                    held.get(), props.maxHeldPolls(), refused.get());
        }
    }
}
