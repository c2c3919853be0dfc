package io.herald.sdk.internal.listen;

import io.herald.sdk.internal.codec.WireHeaders;
import io.herald.sdk.spi.AbortDeliveryException;
import io.herald.sdk.spi.DeliveryContext;
import io.herald.sdk.spi.IncomingRecord;
import io.herald.sdk.spi.RecordProcessor;
import io.herald.sdk.wire.HeraldHeaders;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor of one group's replay topic ({@code herald.replay.<group>}): the server copies
 * the records of a replay job there, each with {@code herald-target-topic} naming the topic it
 * was replayed from. Each record goes to the group's dispatcher for that topic, so the same
 * listeners receive it, filtered by the same bindings, with the same retries and dead-letter
 * topic. No other group reads this topic, so a replay to one group leaves the others untouched.
 */
final class ReplayDispatcher implements RecordProcessor {

    private static final Logger log = LoggerFactory.getLogger(ReplayDispatcher.class);

    /** A dispatcher of the group and whether its subscription is paused. */
    record Target(BindingDispatcher dispatcher, boolean paused) {
    }

    private final String group;
    private final long pausedWaitMillis;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private volatile Map<String, Target> targets = Map.of();

    ReplayDispatcher(String group, long pausedWaitMillis) {
        this.group = group;
        this.pausedWaitMillis = pausedWaitMillis;
    }

    /** The group's dispatchers by topic; replaced as a whole by the registry. */
    void targets(Map<String, Target> targets) {
        this.targets = Map.copyOf(targets);
    }

    @Override
    public void process(IncomingRecord record, DeliveryContext context) {
        String topic = targetTopic(record.headers());
        if (topic == null) {
            if (warned.add("")) {
                log.warn("Record {}-{}@{} has neither {} nor {}: skipped", record.topic(), record.partition(),
                        record.offset(), HeraldHeaders.TARGET_TOPIC, HeraldHeaders.REPLAY_OF);
            }
            return;
        }
        Target target = targets.get(topic);
        if (target == null) {
            // The group has no listener for that topic here (any more): nobody to hand it to.
            if (warned.add(topic)) {
                log.warn("Replayed records for {} reached group {} on this instance, which has no listener for that"
                         + " topic: skipped", topic, group);
            }
            return;
        }
        if (target.paused()) {
            // Paused bindings receive nothing, replays included: come back to this record later.
            context.awaitBackoff(pausedWaitMillis);
            throw new AbortDeliveryException("binding " + group + "/" + topic + " is paused");
        }
        target.dispatcher().process(new ReplayedRecord(record, topic), context);
    }

    /** {@code herald-target-topic}, else the topic part of {@code herald-replay-of} ({@code topic:partition:offset}). */
    static String targetTopic(Headers headers) {
        String topic = WireHeaders.text(headers, HeraldHeaders.TARGET_TOPIC);
        if (topic != null && !topic.isBlank()) {
            return topic;
        }
        String of = WireHeaders.text(headers, HeraldHeaders.REPLAY_OF);
        return of == null ? null : ReplayedRecord.parse(of).topic();
    }
}
