package io.herald.server.replay;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * What a replay would copy (the answer to a dry run).
 *
 * @param partitions per source partition the offsets [startOffset, endOffset) the request maps to
 * @param total      records in those ranges (chosen records for a message replay or redrive)
 * @param filtered   type or key filters apply while copying, so fewer than {@code total} may be copied
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplayPlan(boolean dryRun, String kind, String topic, String targetGroup, String targetTopic, Instant from,
                         Instant to, String type, String key, Integer ratePerSecond, List<PartitionPlan> partitions,
                         long total, boolean filtered, List<RecordPlan> records) {

    /** One partition's range. */
    public record PartitionPlan(int partition, long startOffset, long endOffset, long records) {
    }

    /** One chosen record; {@code missing} tells it is not in the topic (any more). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RecordPlan(int partition, long offset, String messageId, boolean missing) {
    }
}
