package io.herald.server.replay;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A replay job and how far it got.
 *
 * @param kind      WINDOW, MESSAGES (replayed from a trace) or REDRIVE (from a dead-letter topic)
 * @param state     PENDING, RUNNING, DONE, CANCELLED or FAILED
 * @param topic     the topic records are read from (the dead-letter topic for a redrive)
 * @param processed records read so far (copied + skipped, or chosen records done)
 * @param copied    source records copied to the target, each counted once
 * @param written   records written to the target, including those written again after a server crash
 *                  (copying is at least once: a job resumed after a crash repeats the records written
 *                  since its last stored progress); {@code written - copied} is the number of repeats
 * @param percent   progress, 0 to 100
 * @param owner     the server instance copying it now
 * @param records   chosen or redriven records with the outcome of each
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplayJobView(long id, String kind, String state, String topic, String originalTopic, String targetGroup,
                            String targetTopic, Instant from, Instant to, String type, String key, Integer ratePerSecond,
                            String app, long total, long processed, long copied, long written, long skipped, int percent,
                            boolean cancelRequested, String owner, String error, String createdBy, Instant createdAt,
                            Instant startedAt, Instant finishedAt, List<PartitionProgress> partitions,
                            List<RecordOutcome> records) {

    public boolean finished() {
        return "DONE".equals(state) || "CANCELLED".equals(state) || "FAILED".equals(state);
    }

    /** One source partition's range and position. */
    public record PartitionProgress(int partition, long startOffset, long endOffset, long nextOffset, long copied,
                                    long skipped) {
    }

    /**
     * A chosen record's outcome: whether it was copied ({@code PENDING}, {@code COPIED}, {@code MISSING}) and,
     * from the trace store, what its group did with it since ({@code handling}: HANDLED, RETRYING,
     * DEAD_LETTERED, IN_PROGRESS, or null while nothing is recorded).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RecordOutcome(int partition, long offset, String messageId, String outcome, String detail,
                                String handling, String error) {
    }
}
