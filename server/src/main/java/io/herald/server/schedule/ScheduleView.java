package io.herald.server.schedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;
import java.util.List;

/**
 * A cyclic event as the API and the console show it.
 *
 * @param payload      the event's data: raw JSON for a JSON content type, else a JSON string
 * @param nextFireAt   the next tick, null once the schedule is finished
 * @param upcoming     the next few ticks (single reads only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleView(long id, String app, String name, String description, String cron, Long fixedRateMillis,
                           String timeZone, Instant startAt, Instant endAt, Long maxCount, long firedCount, String topic,
                           String type, String key, @JsonRawValue String payload, String contentType, MisfirePolicy misfirePolicy,
                           boolean paused, Instant nextFireAt, Instant lastFiredAt, Instant createdAt, Instant updatedAt,
                           List<Instant> upcoming) {

    /** What to do about ticks missed while no server ran. */
    public enum MisfirePolicy {
        /** Publish one event for all missed ticks, then go on with the schedule. */
        FIRE_ONCE,
        /** Publish nothing for missed ticks (recorded as SKIPPED), go on with the next tick. */
        SKIP
    }

    /** One tick in the history. */
    public record Firing(long id, Instant tickAt, Instant firedAt, String outcome, String messageId, Integer partition,
                         Long offset, String detail, String instance) {
    }

    ScheduleView withUpcoming(List<Instant> next) {
        return new ScheduleView(id, app, name, description, cron, fixedRateMillis, timeZone, startAt, endAt, maxCount, firedCount,
                topic, type, key, payload, contentType, misfirePolicy, paused, nextFireAt, lastFiredAt, createdAt, updatedAt, next);
    }
}
