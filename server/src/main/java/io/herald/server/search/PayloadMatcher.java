package io.herald.server.search;

import io.herald.server.common.ValidationException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Whether a payload matches: it contains a text, or a JSON field (a simple JSONPath such as
 * {@code $.order.id} or {@code $.items[0].sku}) equals a value. Matching works on the payload's bytes:
 * the text is looked for in the UTF-8 bytes, and a payload is only parsed as JSON when the value's
 * text occurs in it, so a search costs little more per record than reading it.
 */
public abstract sealed class PayloadMatcher permits PayloadMatcher.Text, PayloadMatcher.JsonField, PayloadMatcher.Any {

    /** Longest text or value searched for. */
    static final int MAX_NEEDLE = 1000;

    /** Does the payload match? {@code value} may be null (a tombstone), which matches nothing but {@link #any()}. */
    public abstract boolean matches(byte[] value);

    /** Every payload matches. */
    public static PayloadMatcher any() {
        return Any.INSTANCE;
    }

    /**
     * The matcher for a text or a JSON path and value; {@link #any()} when all are blank. Bad input throws a
     * {@link ValidationException} naming {@code text}, {@code jsonPath} or {@code value}.
     */
    public static PayloadMatcher of(String text, String jsonPath, String value) {
        boolean hasText = text != null && !text.isEmpty();
        boolean hasPath = jsonPath != null && !jsonPath.isBlank();
        if (hasText && hasPath) {
            throw new ValidationException("jsonPath", "search either for a text or for a JSON field, not both");
        }
        if (hasText) {
            if (text.length() > MAX_NEEDLE) {
                throw new ValidationException("text", "must be at most " + MAX_NEEDLE + " characters");
            }
            return new Text(text);
        }
        if (hasPath) {
            if (value == null) {
                throw new ValidationException("value", "is required with a JSON path (the value the field must equal)");
            }
            if (value.length() > MAX_NEEDLE) {
                throw new ValidationException("value", "must be at most " + MAX_NEEDLE + " characters");
            }
            return new JsonField(jsonPath.strip(), pointer(jsonPath.strip()), value);
        }
        if (value != null && !value.isEmpty()) {
            throw new ValidationException("jsonPath", "is required with a value (the JSON field to compare, e.g. $.order.id)");
        }
        return any();
    }

    /** {@code $.a.b[0]['c d']} (the {@code $.} may be left out) as a JSON Pointer; a ValidationException otherwise. */
    static JsonPointer pointer(String path) {
        String p = path;
        if (p.startsWith("$")) {
            p = p.substring(1);
        } else if (!p.startsWith(".") && !p.startsWith("[")) {
            p = "." + p;
        }
        if (p.isEmpty()) {
            throw bad(path, "names no field");
        }
        List<String> segments = new ArrayList<>();
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '.') {
                int j = i + 1;
                while (j < p.length() && p.charAt(j) != '.' && p.charAt(j) != '[') {
                    char n = p.charAt(j);
                    if (!(Character.isLetterOrDigit(n) || n == '_' || n == '-' || n == '$' || n == '@')) {
                        throw bad(path, "has '" + n + "' in a field name (quote such names: $['a b'])");
                    }
                    j++;
                }
                if (j == i + 1) {
                    throw bad(path, "has an empty field name at position " + (i + 1));
                }
                segments.add(p.substring(i + 1, j));
                i = j;
            } else if (c == '[') {
                int close = p.indexOf(']', i);
                if (close < 0) {
                    throw bad(path, "has a '[' without ']'");
                }
                String inner = p.substring(i + 1, close).strip();
                if (inner.length() >= 2 && (inner.charAt(0) == '\'' || inner.charAt(0) == '"')
                        && inner.charAt(inner.length() - 1) == inner.charAt(0)) {
                    segments.add(inner.substring(1, inner.length() - 1));
                } else if (!inner.isEmpty() && inner.chars().allMatch(Character::isDigit) && inner.length() < 10) {
                    segments.add(inner);
                } else {
                    throw bad(path, "has '[" + inner + "]': only an index like [0] or a quoted name like ['a b'] is supported"
                            + " (no wildcards, slices or filters)");
                }
                i = close + 1;
            } else {
                throw bad(path, "has '" + c + "' where '.' or '[' was expected");
            }
        }
        StringBuilder pointer = new StringBuilder();
        for (String s : segments) {
            pointer.append('/').append(s.replace("~", "~0").replace("/", "~1"));
        }
        return JsonPointer.compile(pointer.toString());
    }

    private static ValidationException bad(String path, String why) {
        return new ValidationException("jsonPath", "'" + (path.length() > 100 ? path.substring(0, 100) + "…" : path)
                + "' is not a supported JSON path: it " + why + "; write e.g. $.order.id or $.items[0].sku");
    }

    /** The first index of {@code needle} in {@code hay}, or -1. */
    static int indexOf(byte[] hay, byte[] needle) {
        int n = needle.length;
        if (n == 0) {
            return 0;
        }
        byte first = needle[0];
        int last = hay.length - n;
        for (int i = 0; i <= last; i++) {
            if (hay[i] != first) {
                continue;
            }
            int k = 1;
            while (k < n && hay[i + k] == needle[k]) {
                k++;
            }
            if (k == n) {
                return i;
            }
        }
        return -1;
    }

    /** A text the payload's UTF-8 bytes contain (case-sensitive). */
    static final class Text extends PayloadMatcher {
        private final byte[] needle;

        Text(String text) {
            this.needle = text.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public boolean matches(byte[] value) {
            return value != null && indexOf(value, needle) >= 0;
        }
    }

    /** A JSON field equal to a value: a string by its text, a number by its value, true/false/null by name. */
    static final class JsonField extends PayloadMatcher {
        private static final ObjectMapper JSON = JsonMapper.builder().build();
        private final String path;
        private final JsonPointer pointer;
        private final String value;
        private final BigDecimal number;
        /** Bytes every matching payload contains (the value as written in JSON); null when none can be relied on. */
        private final byte[] hint;

        JsonField(String path, JsonPointer pointer, String value) {
            this.path = path;
            this.pointer = pointer;
            this.value = value;
            BigDecimal n = null;
            try {
                n = new BigDecimal(value.strip());
            } catch (NumberFormatException e) {
                // not a number: compared as text only
            }
            this.number = n;
            // A JSON string holds the value escaped; only characters JSON writers never escape make a safe hint.
            // (A number written as 4.2e1 for 42 is missed: numbers are found as written or with a fraction.)
            boolean plain = !value.isEmpty() && value.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\'
                    && ch != '/' && ch != '<' && ch != '>' && ch != '&' && ch != '\'' && ch != '=');
            String h = value;
            if (n != null) {
                // 17.0 finds 17 and 17.0 (and the string "17.0"): what every plain way of writing the number contains
                h = value.strip().equals(value) && !value.contains("e") && !value.contains("E") && !value.startsWith("+")
                        ? n.stripTrailingZeros().toPlainString() : null;
                if (h != null && h.startsWith("-0")) {
                    h = null;
                }
            }
            this.hint = plain && h != null ? h.getBytes(StandardCharsets.UTF_8) : null;
        }

        String path() {
            return path;
        }

        @Override
        public boolean matches(byte[] bytes) {
            if (bytes == null || bytes.length == 0) {
                return false;
            }
            if (hint != null && indexOf(bytes, hint) < 0) {
                return false;
            }
            JsonNode root;
            try {
                root = JSON.readTree(bytes);
            } catch (JacksonException e) {
                return false;
            }
            JsonNode node = root == null ? null : root.at(pointer);
            if (node == null || node.isMissingNode()) {
                return false;
            }
            if (node.isString()) {
                return node.asString().equals(value);
            }
            if (node.isNumber()) {
                return number != null && node.decimalValue().compareTo(number) == 0;
            }
            if (node.isBoolean()) {
                return String.valueOf(node.booleanValue()).equals(value.strip());
            }
            if (node.isNull()) {
                return value.strip().equals("null");
            }
            return false;
        }
    }

    static final class Any extends PayloadMatcher {
        static final Any INSTANCE = new Any();

        @Override
        public boolean matches(byte[] value) {
            return true;
        }
    }
}
