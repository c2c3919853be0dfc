package io.herald.sdk.internal.listen;

import io.herald.sdk.internal.codec.WireHeaders;
import io.herald.sdk.spi.IncomingRecord;
import io.herald.sdk.wire.HeraldHeaders;
import org.apache.kafka.common.header.Headers;

/**
 * A record from a replay topic seen as the record it replays: its topic is the original topic,
 * and its partition and offset are the original ones when {@code herald-replay-of} names that
 * topic (a redrive from a dead-letter topic names the dead-letter topic: then they stay those of
 * the replay topic). Listeners, timepoints and dead-letter headers therefore point at the message
 * the user knows.
 */
final class ReplayedRecord implements IncomingRecord {

    record Origin(String topic, int partition, long offset) {
    }

    private final IncomingRecord record;
    private final String topic;
    private final int partition;
    private final long offset;

    ReplayedRecord(IncomingRecord record, String topic) {
        this.record = record;
        this.topic = topic;
        String of = WireHeaders.text(record.headers(), HeraldHeaders.REPLAY_OF);
        Origin origin = of == null ? null : parse(of);
        if (origin != null && topic.equals(origin.topic()) && origin.partition() >= 0) {
            this.partition = origin.partition();
            this.offset = origin.offset();
        } else {
            this.partition = record.partition();
            this.offset = record.offset();
        }
    }

    /** Parses {@code topic:partition:offset}; topic names cannot contain ':'. Unparseable parts are -1. */
    static Origin parse(String replayOf) {
        int last = replayOf.lastIndexOf(':');
        int middle = last <= 0 ? -1 : replayOf.lastIndexOf(':', last - 1);
        if (middle <= 0) {
            return new Origin(replayOf.isBlank() ? null : replayOf, -1, -1);
        }
        try {
            return new Origin(replayOf.substring(0, middle), Integer.parseInt(replayOf.substring(middle + 1, last)),
                    Long.parseLong(replayOf.substring(last + 1)));
        } catch (NumberFormatException e) {
            return new Origin(replayOf.substring(0, middle), -1, -1);
        }
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public int partition() {
        return partition;
    }

    @Override
    public long offset() {
        return offset;
    }

    @Override
    public long timestamp() {
        return record.timestamp();
    }

    @Override
    public byte[] key() {
        return record.key();
    }

    @Override
    public byte[] value() {
        return record.value();
    }

    @Override
    public Headers headers() {
        return record.headers();
    }
}
