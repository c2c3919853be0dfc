package io.herald.server.console;

import java.beans.PropertyEditorSupport;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type and read them: {@code 7d}, {@code 90s}, {@code 1h30m}, {@code 500ms} (units
 * w, d, h, m or min, s, ms; parts may be combined and spaced). A bare number is milliseconds, as the
 * API counts them. Where forever is allowed (a topic's retention), {@code forever} means -1. The console's
 * forms bind their millisecond fields through {@link Editor}, so a field shows what it parses.
 */
final class ConsoleDuration {

    private static final Pattern PART = Pattern.compile("(\\d+)\\s*(ms|min|w|d|h|m|s)", Pattern.CASE_INSENSITIVE);
    private static final Pattern WHOLE = Pattern.compile("(\\s*\\d+\\s*(ms|min|w|d|h|m|s)\\s*)+", Pattern.CASE_INSENSITIVE);
    private static final String EXAMPLES = "e.g. 500ms, 90s, 15m, 2h, 7d or 1h30m";

    private ConsoleDuration() {
    }

    /** A value a duration field cannot read; its message is what the field shows. */
    static final class BadDuration extends IllegalArgumentException {
        BadDuration(String message) {
            super(message);
        }
    }

    /** Milliseconds, or null for an empty field. */
    static Long parse(String text, boolean foreverAllowed) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (foreverAllowed && (t.equals("forever") || t.equals("-1"))) {
            return -1L;
        }
        if (t.chars().allMatch(Character::isDigit)) {
            return number(t);
        }
        if (!WHOLE.matcher(t).matches()) {
            throw new BadDuration("'" + text.strip() + "' is not a duration: give a number and a unit, " + EXAMPLES
                    + (foreverAllowed ? ", or forever" : ""));
        }
        long total = 0;
        Matcher m = PART.matcher(t);
        while (m.find()) {
            long unit = switch (m.group(2)) {
                case "w" -> 604_800_000L;
                case "d" -> 86_400_000L;
                case "h" -> 3_600_000L;
                case "m", "min" -> 60_000L;
                case "s" -> 1000L;
                default -> 1L;
            };
            try {
                total = Math.addExact(total, Math.multiplyExact(number(m.group(1)), unit));
            } catch (ArithmeticException e) {
                throw new BadDuration("'" + text.strip() + "' is too long");
            }
        }
        return total;
    }

    private static long number(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new BadDuration("'" + digits + "' is too long");
        }
    }

    /** The shortest exact spelling: 604800000 → {@code 7d}, 5400000 → {@code 1h30m}, 1500 → {@code 1s500ms}; -1 → forever. */
    static String format(Long ms) {
        if (ms == null) {
            return "";
        }
        if (ms < 0) {
            return "forever";
        }
        if (ms == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long rest = ms;
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L, 1L};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (rest >= units[i]) {
                out.append(rest / units[i]).append(names[i]);
                rest %= units[i];
            }
        }
        return out.toString();
    }

    /** Binds a form's millisecond field from and to {@link #parse} and {@link #format}. */
    static final class Editor extends PropertyEditorSupport {

        private final boolean foreverAllowed;

        Editor(boolean foreverAllowed) {
            this.foreverAllowed = foreverAllowed;
        }

        @Override
        public void setAsText(String text) {
            setValue(parse(text, foreverAllowed));
        }

        @Override
        public String getAsText() {
            Object v = getValue();
            return v instanceof Number n ? format(n.longValue()) : "";
        }
    }
}
