package io.herald.server.common;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The one way the server compiles and runs a regular expression a user wrote (a REGEX binding's
 * {@code typePattern}): in the catalog and the API, the console's binding preview, the push
 * dispatcher's type filter and the AsyncAPI documents.
 *
 * <p>Java's regex engine backtracks, so a pattern such as {@code (.*a){12}$} needs seconds for a
 * 30-character type. Herald bounds both sides: a pattern has at most {@value #MAX_LENGTH}
 * characters, and matching runs over a {@link CharSequence} whose {@code charAt} looks at the
 * thread's CPU time, so one {@link Budget} (at most {@value #BUDGET_MILLIS} ms of CPU time, for all
 * the types it is used on) ends a runaway match with {@link BudgetExceeded}: a 422 naming
 * {@code typePattern}. CPU time rather than wall time, so that a busy machine or a garbage-collection
 * pause does not refuse a harmless pattern; and at most ten times that (0.5 s) in wall time, so that
 * the answer comes soon also on a machine too busy to give the thread its share.
 */
public final class TypePatterns {

    /** Longest {@code typePattern}, in characters (the OpenAPI document shows the same number). */
    public static final int MAX_LENGTH = 500;
    /** CPU time one budget allows for matching, in milliseconds. */
    public static final long BUDGET_MILLIS = 50;
    /** The request field the patterns come from; errors name it. */
    public static final String FIELD = "typePattern";

    /** charAt calls between two looks at the clock: matching a usual type takes fewer, and never reads it. */
    private static final int CHECK_EVERY = 1024;
    /** However busy the machine, a budget ends after this many times its CPU time in wall time. */
    private static final long WALL_FACTOR = 10;
    private static final int SHOWN_TYPE = 100;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();

    private TypePatterns() {
    }

    /** A pattern that needed more than its budget (or more stack than a thread has) for a type. */
    public static final class BudgetExceeded extends ValidationException {

        private final String type;

        public BudgetExceeded(String type) {
            super(FIELD, "needs more than " + BUDGET_MILLIS + " ms to match the type '" + shown(type)
                    + "', so Herald stops it there: write it without nested repetition such as (.*a)* or (a|a)*");
            this.type = type;
        }

        /** The type the pattern was being matched against. */
        public String type() {
            return type;
        }
    }

    /** Adds a violation of {@code field} when {@code pattern} is too long or not a regular expression. */
    public static void check(Violations v, String field, String pattern) {
        if (pattern.length() > MAX_LENGTH) {
            v.add(field, "must be at most " + MAX_LENGTH + " characters");
            return;
        }
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            v.add(field, "is not a valid regular expression: " + e.getDescription());
        } catch (StackOverflowError e) {
            v.add(field, "is nested too deeply to be compiled");
        }
    }

    /** The compiled pattern; a 422 naming {@code typePattern} when it is too long or invalid. */
    public static Pattern compile(String pattern) {
        Violations v = new Violations();
        check(v, FIELD, pattern);
        v.throwIfAny();
        return Pattern.compile(pattern);
    }

    /** Compiles a pattern that is already stored (and was checked then), whatever its length today. */
    public static Pattern compileStored(String pattern) {
        return Pattern.compile(pattern);
    }

    /** A fresh budget of {@value #BUDGET_MILLIS} ms of CPU time, for one thread. */
    public static Budget budget() {
        return new Budget(BUDGET_MILLIS * 1_000_000L);
    }

    /** Whether the whole {@code type} matches; {@link BudgetExceeded} when {@code budget} runs out. */
    public static boolean matches(Pattern pattern, String type, Budget budget) {
        try {
            return pattern.matcher(new Guarded(type, budget)).matches();
        } catch (StackOverflowError e) {
            throw new BudgetExceeded(type);
        }
    }

    /** The {@code types} the pattern matches whole, in their order, within one fresh budget. */
    public static List<String> matching(Pattern pattern, Collection<String> types) {
        Budget budget = budget();
        List<String> matched = new ArrayList<>();
        for (String t : types) {
            if (matches(pattern, t, budget)) {
                matched.add(t);
            }
        }
        return matched;
    }

    /** A type or pattern as a message shows it: at most 100 characters. */
    public static String shown(String type) {
        String t = type == null ? "" : type;
        return t.length() <= SHOWN_TYPE ? t : t.substring(0, SHOWN_TYPE) + "…";
    }

    /**
     * CPU time left for matching, shared by the matches it is passed to; not for several threads. The
     * clock starts at the first look (after {@link #CHECK_EVERY} characters read), so a budget that
     * only sees usual types costs nothing.
     */
    public static final class Budget {

        private final long allowedNanos;
        private long deadline;
        private long wallDeadline;
        private boolean started;
        private int reads;

        Budget(long allowedNanos) {
            this.allowedNanos = allowedNanos;
        }

        void read(String type) {
            if (++reads % CHECK_EVERY != 0) {
                return;
            }
            long cpu = cpuNow();
            long wall = System.nanoTime();
            if (!started) {
                started = true;
                deadline = cpu + allowedNanos;
                wallDeadline = wall + WALL_FACTOR * allowedNanos;
            } else if (cpu - deadline > 0 || wall - wallDeadline > 0) {
                throw new BudgetExceeded(type);
            }
        }

        private static long cpuNow() {
            return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
        }
    }

    /** The type as the regex engine reads it: every character read counts against the budget. */
    private record Guarded(String text, Budget budget) implements CharSequence {

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            budget.read(text);
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
