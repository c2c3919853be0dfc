package io.herald.server.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Slows down and then locks console sign-ins after failures, per user name and per client address,
 * counted in PostgreSQL so that every server instance applies the same limits. A sign-in from an
 * address the user signed in from before is held back only by the failures from that address for
 * that user: an attacker elsewhere can slow down guesses at {@code admin}'s password, but cannot lock
 * the admin out of the address they always use. Each lock is audited and logged; refused attempts are
 * counted in {@code herald_login_throttled_total}.
 */
@Service
public class LoginThrottle {

    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
    /** Request attribute holding the seconds a held-back sign-in must wait, for the sign-in page. */
    public static final String RETRY_AFTER_ATTRIBUTE = "herald.login.retryAfterSeconds";
    /** Longer user names and addresses are cut to this many characters before they are stored. */
    static final int MAX_SUBJECT = 200;

    /** Why a sign-in attempt is refused: which count locked it and for how much longer. */
    public record Refusal(String scope, Duration retryAfter) {

        /** Whole seconds, rounded up, as {@code Retry-After} takes them. */
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
    }

    private final JdbcTemplate jdbc;
    private final LoginThrottleProperties props;
    private final SystemAudit auditor;
    private final Map<String, Counter> throttled = new LinkedHashMap<>();
    private final Counter failed;

    LoginThrottle(JdbcTemplate jdbc, LoginThrottleProperties props, SystemAudit auditor, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.props = props;
        this.auditor = auditor;
        for (String scope : List.of("user", "address", "pair")) {
            throttled.put(scope, Counter.builder("herald.login.throttled").tag("scope", scope)
                    .description("Console sign-in attempts refused because of earlier failures, by the count that held them back")
                    .register(meters));
        }
        failed = Counter.builder("herald.login.failures").description("Failed console sign-ins").register(meters);
    }

    /**
     * Whether an attempt to sign in as {@code username} from {@code address} must wait. Checked
     * before the password is, so a locked attempt learns nothing and costs no password hashing.
     */
    @Transactional(readOnly = true)
    public Optional<Refusal> check(String username, String address) {
        String user = cut(username);
        String from = cut(address);
        List<Object[]> keys = new ArrayList<>();
        if (known(user, from)) {
            keys.add(new Object[] {"pair", user, from});
        } else {
            keys.add(new Object[] {"user", user, ""});
            keys.add(new Object[] {"address", "", from});
        }
        Refusal longest = null;
        for (Object[] key : keys) {
            List<Long> left = jdbc.queryForList("SELECT CEIL(EXTRACT(EPOCH FROM locked_until - now()) * 1000)::bigint"
                    + " FROM login_failure WHERE scope = ? AND username = ? AND address = ? AND locked_until > now()", Long.class, key);
            if (!left.isEmpty() && (longest == null || left.get(0) > longest.retryAfter().toMillis())) {
                longest = new Refusal((String) key[0], Duration.ofMillis(left.get(0)));
            }
        }
        if (longest != null) {
            throttled.get(longest.scope()).increment();
            log.debug("Console sign-in as '{}' from {} refused for {} more ms ({} locked)", user, from,
                    longest.retryAfter().toMillis(), longest.scope());
        }
        return Optional.ofNullable(longest);
    }

    /** Counts a failed sign-in; locks the counts that reached the limit (audited, logged). */
    @Transactional
    public void failed(String username, String address) {
        String user = cut(username);
        String from = cut(address);
        failed.increment();
        count("user", user, "", user, from);
        count("address", "", from, user, from);
        if (known(user, from)) {
            count("pair", user, from, user, from);
        }
    }

    /** A successful sign-in: the address becomes known for the user, and the counts of both start over. */
    @Transactional
    public void succeeded(String username, String address) {
        String user = cut(username);
        String from = cut(address);
        jdbc.update("INSERT INTO login_known_address (username, address, last_login_at) VALUES (?, ?, now())"
                + " ON CONFLICT (username, address) DO UPDATE SET last_login_at = now()", user, from);
        jdbc.update("DELETE FROM login_failure WHERE (scope = 'user' AND username = ?) OR (scope = 'address' AND address = ?)"
                + " OR (scope = 'pair' AND username = ? AND address = ?)", user, from, user, from);
    }

    /** Forgets the failures counted for a user name (its password was just set by an admin or at start-up). */
    public void clearUser(String username) {
        jdbc.update("DELETE FROM login_failure WHERE scope IN ('user', 'pair') AND username = ?", cut(username));
    }

    /** Counts older than {@code reset-after} and addresses not used for {@code remember-address} are dropped. */
    @Scheduled(fixedDelay = 10, initialDelay = 1, timeUnit = java.util.concurrent.TimeUnit.MINUTES)
    void sweep() {
        jdbc.update("DELETE FROM login_failure WHERE last_failed_at < now() - ? * interval '1 millisecond'"
                + " AND (locked_until IS NULL OR locked_until < now())", props.resetAfter().toMillis());
        jdbc.update("DELETE FROM login_known_address WHERE last_login_at < now() - ? * interval '1 millisecond'",
                props.rememberAddress().toMillis());
    }

    private boolean known(String user, String from) {
        return !jdbc.queryForList("SELECT 1 FROM login_known_address WHERE username = ? AND address = ?"
                + " AND last_login_at > now() - ? * interval '1 millisecond'", Integer.class, user, from,
                props.rememberAddress().toMillis()).isEmpty();
    }

    private void count(String scope, String user, String from, String attemptedUser, String attemptedFrom) {
        Integer failures = jdbc.queryForObject("INSERT INTO login_failure (scope, username, address, failures, last_failed_at)"
                + " VALUES (?, ?, ?, 1, now()) ON CONFLICT (scope, username, address) DO UPDATE SET"
                + " failures = CASE WHEN login_failure.last_failed_at < now() - ? * interval '1 millisecond' THEN 1"
                + " ELSE login_failure.failures + 1 END, last_failed_at = now() RETURNING failures", Integer.class,
                scope, user, from, props.resetAfter().toMillis());
        Duration delay = props.delayAfter(failures == null ? 1 : failures);
        if (delay.isZero()) {
            return;
        }
        jdbc.update("UPDATE login_failure SET locked_until = now() + ? * interval '1 millisecond'"
                + " WHERE scope = ? AND username = ? AND address = ?", delay.toMillis(), scope, user, from);
        String subject = switch (scope) {
            case "user" -> "user " + user;
            case "address" -> "address " + from;
            default -> user + " from " + from;
        };
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("scope", scope);
        after.put("failures", failures);
        after.put("lockedForMs", delay.toMillis());
        after.put("attemptedUser", attemptedUser);
        after.put("attemptedFrom", attemptedFrom);
        auditor.record("sign-in-locked", "sign-in", subject, after);
        log.info("Console sign-in locked for {} ({} failed sign-ins in a row for {}); the last one: '{}' from {}",
                delay, failures, subject, attemptedUser, attemptedFrom);
    }

    /** Cut to {@link #MAX_SUBJECT}; control characters (NUL, line breaks) become '?', for PostgreSQL and the log. */
    private static String cut(String s) {
        String value = s == null ? "" : s;
        value = value.length() > MAX_SUBJECT ? value.substring(0, MAX_SUBJECT) : value;
        return value.replaceAll("\\p{Cntrl}", "?");
    }
}
