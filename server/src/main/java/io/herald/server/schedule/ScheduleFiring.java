package io.herald.server.schedule;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.herald.server.common.HeraldException;
import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.ingest.EventPublisher;
import io.herald.server.ingest.ProducerCatalog;
import io.herald.server.schedule.ScheduleView.MisfirePolicy;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fires due schedule ticks. Each tick is one transaction that locks the schedule row
 * ({@code FOR UPDATE SKIP LOCKED}: another instance skips it), publishes the event, waits for
 * Kafka's acknowledgement, writes the history row and moves {@code next_fire_at}. So with N
 * instances each tick is published once; only a crash between the acknowledgement and the commit
 * publishes it again, with the same ce_id ({@code sched-<id>-<tick millis>}) for consumers to
 * drop. A tick later than {@code misfire-after} was missed while no server ran: FIRE_ONCE
 * publishes one event for all missed ticks, SKIP none; both then go on from now.
 */
@Component
class ScheduleFiring implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ScheduleFiring.class);
    static final String SCHEDULE_HEADER = "herald-schedule";
    static final String SCHEDULE_COUNT_HEADER = "herald-schedule-count";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final EventPublisher publisher;
    private final ProducerCatalog catalog;
    private final ScheduleProperties props;
    private final String instance = ManagementFactory.getRuntimeMXBean().getName();
    private volatile boolean running;
    private Thread thread;

    ScheduleFiring(JdbcTemplate jdbc, TransactionTemplate tx, EventPublisher publisher, ProducerCatalog catalog,
                   ScheduleProperties props) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.publisher = publisher;
        this.catalog = catalog;
        this.props = props;
    }

    @Override
    public void start() {
        if (!props.enabled()) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, "herald-schedule-fire");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }

    private void loop() {
        long pollMs = props.pollInterval().toMillis();
        while (running) {
            try {
                long now = System.currentTimeMillis();
                List<Long> due = jdbc.queryForList("SELECT id FROM schedule WHERE NOT paused AND next_fire_at <= to_timestamp(? / 1000.0)"
                        + " ORDER BY next_fire_at LIMIT 100", Long.class, now);
                for (Long id : due) {
                    if (!running) {
                        return;
                    }
                    fire(id, System.currentTimeMillis());
                }
                if (due.isEmpty()) {
                    Long next = jdbc.queryForObject("SELECT (extract(epoch FROM min(next_fire_at)) * 1000)::bigint FROM schedule"
                            + " WHERE NOT paused", Long.class);
                    long wait = next == null ? pollMs : Math.min(pollMs, Math.max(1, next - System.currentTimeMillis()));
                    LockSupport.parkNanos(wait * 1_000_000L);
                }
            } catch (RuntimeException e) {
                if (running) {
                    log.atLevel(io.herald.server.common.DatabaseUnavailableException.logLevel(e)).log("Firing schedules failed, trying again in {}: {}", props.retryAfter(), e.toString());
                    LockSupport.parkNanos(Math.min(props.retryAfter().toMillis(), 2000) * 1_000_000L);
                }
            }
        }
    }

    /** Fires one due tick of a schedule, unless another instance holds it or fired it already. */
    void fire(long id, long nowMillis) {
        tx.executeWithoutResult(status -> {
            List<ScheduleView> rows = jdbc.query("SELECT " + ScheduleService.COLUMNS + ScheduleService.FROM
                            + " WHERE s.id = ? AND NOT s.paused AND s.next_fire_at <= to_timestamp(? / 1000.0) FOR UPDATE OF s SKIP LOCKED",
                    (rs, i) -> ScheduleService.view(rs), id, nowMillis);
            if (rows.isEmpty()) {
                return;
            }
            ScheduleService.Row row = ScheduleService.Row.of(rows.get(0));
            Ticks ticks = ScheduleService.ticks(row);
            Instant now = Instant.ofEpochMilli(nowMillis);
            Instant tick = row.nextFireAt;
            boolean missed = Duration.between(tick, now).compareTo(props.misfireAfter()) > 0;
            long missedTicks = missed ? count(ticks, tick, now, row.firedCount) : 0;
            if (missed && row.misfirePolicy == MisfirePolicy.SKIP) {
                history(id, tick, "SKIPPED", null, "missed " + missedTicks + " tick(s) while no server ran; skipped by the misfire policy");
                advance(id, ticks.next(now, row.firedCount), row.firedCount, false);
                return;
            }
            String outcome = "FIRED";
            String detail = missed ? "fired once for " + missedTicks + " missed tick(s) (misfire policy FIRE_ONCE)" : null;
            String messageId = "sched-" + id + "-" + tick.toEpochMilli();
            RecordMetadata sent = null;
            try {
                sent = publisher.sendAndWait(record(row, messageId));
            } catch (KafkaUnavailableException e) {
                throw e; // roll back: the tick stays due and is tried again
            } catch (HeraldException | IllegalArgumentException e) {
                outcome = "FAILED";
                detail = e.getMessage();
                messageId = null;
            }
            jdbc.update("INSERT INTO schedule_firing (schedule_id, tick_at, outcome, message_id, partition, \"offset\", detail, instance)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", id, ScheduleService.ts(tick), outcome, messageId,
                    sent == null ? null : sent.partition(), sent == null ? null : sent.offset(), detail, instance);
            long fired = row.firedCount + (sent == null ? 0 : 1);
            advance(id, ticks.next(missed ? now : tick, fired), fired, sent != null);
            trim(id);
        });
    }

    private ProducerRecord<byte[], byte[]> record(ScheduleService.Row row, String messageId) {
        ProducerCatalog.Entry topic = catalog.topic(row.topic, "topic");
        if (!topic.types().containsKey(row.type)) {
            throw new io.herald.server.common.ValidationException("type", "type '" + row.type + "' is no longer declared on topic '"
                    + row.topic + "'");
        }
        CloudEventBuilder b = CloudEventBuilder.v1().withId(messageId).withSource(URI.create(row.app)).withType(row.type)
                .withTime(OffsetDateTime.now(ZoneOffset.UTC));
        if (row.payload != null) {
            b.withData(row.contentType, row.payload.getBytes(StandardCharsets.UTF_8));
        }
        byte[] key = row.key == null ? null : row.key.getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> record = KafkaMessageFactory.createWriter(row.topic, key).writeBinary(b.build());
        record.headers().add(new RecordHeader(SCHEDULE_HEADER, String.valueOf(row.id).getBytes(StandardCharsets.UTF_8)));
        // the how-many-th firing this is, counted from 1 (a gRPC processor's DispatchRequest.repeat_count)
        record.headers().add(new RecordHeader(SCHEDULE_COUNT_HEADER, String.valueOf(row.firedCount + 1).getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    private void history(long id, Instant tick, String outcome, String messageId, String detail) {
        jdbc.update("INSERT INTO schedule_firing (schedule_id, tick_at, outcome, message_id, detail, instance) VALUES (?, ?, ?, ?, ?, ?)",
                id, ScheduleService.ts(tick), outcome, messageId, detail, instance);
        trim(id);
    }

    private void advance(long id, Instant next, long firedCount, boolean fired) {
        jdbc.update("UPDATE schedule SET next_fire_at = ?, fired_count = ?, last_fired_at = CASE WHEN ? THEN now() ELSE last_fired_at END"
                + " WHERE id = ?", ScheduleService.ts(next), firedCount, fired, id);
    }

    private void trim(long id) {
        jdbc.update("DELETE FROM schedule_firing WHERE schedule_id = ? AND id <= (SELECT id FROM schedule_firing WHERE schedule_id = ?"
                + " ORDER BY id DESC OFFSET ? LIMIT 1)", id, id, props.historyKept());
    }

    private static long count(Ticks ticks, Instant from, Instant to, long fired) {
        long n = 1;
        Instant t = from;
        while (n < 10_000) {
            t = ticks.next(t, fired + n);
            if (t == null || t.isAfter(to)) {
                break;
            }
            n++;
        }
        return n;
    }
}
