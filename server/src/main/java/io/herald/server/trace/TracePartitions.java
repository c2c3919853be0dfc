package io.herald.server.trace;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The daily partitions of {@code trace_timepoint} (UTC days, named {@code trace_timepoint_YYYYMMDD}):
 * created ahead and on demand, dropped whole once past the retention. Several server instances may do
 * this at once; an advisory lock serialises them.
 */
@Component
class TracePartitions {

    private static final Logger log = LoggerFactory.getLogger(TracePartitions.class);
    private static final String PREFIX = "trace_timepoint_";
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd");
    /** Advisory lock key for partition changes ("herald-trace" in ASCII). */
    private static final long LOCK = 0x68657261_6c647472L;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final TraceProperties props;
    private final Clock clock;
    private final Set<LocalDate> known = ConcurrentHashMap.newKeySet();

    @org.springframework.beans.factory.annotation.Autowired
    TracePartitions(JdbcTemplate jdbc, TransactionTemplate tx, TraceProperties props) {
        this(jdbc, tx, props, Clock.systemUTC());
    }

    TracePartitions(JdbcTemplate jdbc, TransactionTemplate tx, TraceProperties props, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.props = props;
        this.clock = clock;
    }

    /** Timepoints before this are past the retention: not stored. */
    Instant oldestKept() {
        return clock.instant().minus(props.retention());
    }

    /** Timepoints after this come from a wrong clock: not stored. */
    Instant newestAccepted() {
        return clock.instant().plus(props.maxFuture());
    }

    static LocalDate day(long epochMillis) {
        return LocalDate.ofEpochDay(Math.floorDiv(epochMillis, 86_400_000L));
    }

    /** The days that currently have a partition. */
    Set<LocalDate> existing() {
        List<String> names = jdbc.queryForList("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " WHERE i.inhparent = 'trace_timepoint'::regclass", String.class);
        Set<LocalDate> days = new TreeSet<>();
        for (String name : names) {
            if (name.startsWith(PREFIX)) {
                try {
                    days.add(LocalDate.parse(name.substring(PREFIX.length()), SUFFIX));
                } catch (java.time.format.DateTimeParseException e) {
                    // not one of ours
                }
            }
        }
        known.clear();
        known.addAll(days);
        return days;
    }

    /** Makes sure every day has a partition; cheap when they all exist already. */
    void ensure(Collection<LocalDate> days) {
        List<LocalDate> missing = days.stream().filter(d -> !known.contains(d)).distinct().sorted().toList();
        if (missing.isEmpty()) {
            return;
        }
        tx.executeWithoutResult(s -> {
            jdbc.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            for (LocalDate day : missing) {
                Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
                Instant to = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
                jdbc.execute("CREATE TABLE IF NOT EXISTS " + name(day) + " PARTITION OF trace_timepoint FOR VALUES FROM ('"
                        + from + "') TO ('" + to + "')");
            }
        });
        known.addAll(missing);
    }

    /** Creates today's partition, yesterday's and those ahead; drops the expired ones. */
    void maintain() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        List<LocalDate> wanted = new ArrayList<>();
        for (LocalDate d = today.minusDays(1); !d.isAfter(today.plusDays(props.partitionsAhead())); d = d.plusDays(1)) {
            wanted.add(d);
        }
        existing();
        ensure(wanted);
        int dropped = dropExpired();
        if (dropped > 0) {
            log.info("Dropped {} trace partition(s) older than {}", dropped, props.retention());
        }
    }

    /** Drops every partition whose whole day lies before the retention limit. */
    int dropExpired() {
        Instant limit = oldestKept();
        int dropped = 0;
        for (LocalDate day : existing()) {
            Instant end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            if (!end.isAfter(limit)) {
                tx.executeWithoutResult(s -> {
                    jdbc.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
                    // Dropping a partition locks the parent briefly; do not queue behind a long query forever.
                    jdbc.execute("SET LOCAL lock_timeout = '10s'");
                    jdbc.execute("DROP TABLE IF EXISTS " + name(day));
                });
                known.remove(day);
                dropped++;
            }
        }
        return dropped;
    }

    static String name(LocalDate day) {
        return PREFIX + SUFFIX.format(day);
    }
}
