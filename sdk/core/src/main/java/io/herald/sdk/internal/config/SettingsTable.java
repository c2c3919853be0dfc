package io.herald.sdk.internal.config;

import io.herald.sdk.HeraldConfigException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A table of settings in the manner of Kafka's {@code ConfigDef}: each setting has a key, a type,
 * a default, a validator and a doc line. Parsing converts strings, applies defaults and reports
 * every problem in one exception.
 */
public final class SettingsTable {

    public enum Type { STRING, PASSWORD, BOOLEAN, INT, LONG, DOUBLE }

    /** Checks a parsed (already typed) value. */
    public interface Validator {
        /** @return a problem description, or {@code null} when the value is fine */
        String check(Object value);

        /** Human-readable rule for the docs. */
        String describe();
    }

    public record Setting(String key, Type type, Object defaultValue, boolean required, Validator validator,
                          String doc) {
    }

    private final Map<String, Setting> settings = new LinkedHashMap<>();

    public SettingsTable define(String key, Type type, Object defaultValue, Validator validator, String doc) {
        return add(new Setting(key, type, defaultValue, false, validator, doc));
    }

    public SettingsTable defineRequired(String key, Type type, Validator validator, String doc) {
        return add(new Setting(key, type, null, true, validator, doc));
    }

    private SettingsTable add(Setting setting) {
        if (settings.putIfAbsent(setting.key(), setting) != null) {
            throw new IllegalStateException("setting defined twice: " + setting.key());
        }
        return this;
    }

    public Collection<Setting> settings() {
        return Collections.unmodifiableCollection(settings.values());
    }

    public Set<String> keys() {
        return Collections.unmodifiableSet(settings.keySet());
    }

    /**
     * Parses the given values (strings or already typed), fills in defaults and validates.
     *
     * @throws HeraldConfigException naming every unknown, missing or invalid setting
     */
    public Map<String, Object> parse(Map<String, ?> given) {
        List<String> problems = new ArrayList<>();
        for (String key : given.keySet()) {
            if (!settings.containsKey(key)) {
                problems.add("unknown setting '" + key + "'");
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Setting s : settings.values()) {
            Object raw = given.get(s.key());
            Object value;
            boolean blank = raw instanceof String str && str.isBlank();
            if (blank && s.type() == Type.STRING && !s.required() && s.defaultValue() != null) {
                values.put(s.key(), ""); // an explicit empty string switches the feature off (e.g. the config cache)
                continue;
            }
            if (raw == null || blank) {
                if (s.required()) {
                    problems.add("missing required setting '" + s.key() + "' (" + s.doc() + ")");
                    continue;
                }
                value = s.defaultValue();
            } else {
                try {
                    value = convert(s.type(), raw);
                } catch (RuntimeException e) {
                    problems.add("setting '" + s.key() + "' must be " + s.type().name().toLowerCase()
                                 + ", was '" + raw + "'");
                    continue;
                }
            }
            if (value != null && s.validator() != null) {
                String problem = s.validator().check(value);
                if (problem != null) {
                    problems.add("setting '" + s.key() + "' " + problem + ", was '"
                                 + (s.type() == Type.PASSWORD ? "[hidden]" : value) + "'");
                    continue;
                }
            }
            values.put(s.key(), value);
        }
        if (!problems.isEmpty()) {
            throw new HeraldConfigException("Invalid Herald settings: " + String.join("; ", problems));
        }
        return values;
    }

    static Object convert(Type type, Object raw) {
        String text = raw.toString().trim();
        return switch (type) {
            case STRING, PASSWORD -> text;
            case BOOLEAN -> {
                if (raw instanceof Boolean b) {
                    yield b;
                }
                if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                    throw new IllegalArgumentException(text);
                }
                yield Boolean.parseBoolean(text);
            }
            case INT -> raw instanceof Number n ? Math.toIntExact(n.longValue()) : Integer.parseInt(text);
            case LONG -> raw instanceof Number n ? n.longValue() : Long.parseLong(text);
            case DOUBLE -> raw instanceof Number n ? n.doubleValue() : Double.parseDouble(text);
        };
    }

    /** The table as Markdown, for the README. */
    public String toMarkdown() {
        StringBuilder out = new StringBuilder("| key | type | default | valid values | description |\n");
        out.append("| --- | --- | --- | --- | --- |\n");
        for (Setting s : settings.values()) {
            out.append("| `").append(s.key()).append("` | ").append(s.type().name().toLowerCase()).append(" | ")
                    .append(s.required() ? "(required)" : s.defaultValue() == null ? "" : "`" + s.defaultValue() + "`")
                    .append(" | ").append(s.validator() == null ? "" : s.validator().describe())
                    .append(" | ").append(s.doc()).append(" |\n");
        }
        return out.toString();
    }

    // ---- validators ----

    public static Validator atLeast(long min) {
        return new Validator() {
            public String check(Object v) {
                return ((Number) v).doubleValue() < min ? "must be at least " + min : null;
            }

            public String describe() {
                return "≥ " + min;
            }
        };
    }

    public static Validator between(double min, double max) {
        return new Validator() {
            public String check(Object v) {
                double d = ((Number) v).doubleValue();
                return d < min || d > max ? "must be between " + min + " and " + max : null;
            }

            public String describe() {
                return "[" + min + ", " + max + "]";
            }
        };
    }

    public static Validator oneOf(String... allowed) {
        List<String> list = List.of(allowed);
        return new Validator() {
            public String check(Object v) {
                return list.contains(v.toString()) ? null : "must be one of " + list;
            }

            public String describe() {
                return String.join(", ", list);
            }
        };
    }

    public static Validator matches(String regex, String what) {
        Pattern pattern = Pattern.compile(regex);
        return new Validator() {
            public String check(Object v) {
                return pattern.matcher(v.toString()).matches() ? null : "must be " + what;
            }

            public String describe() {
                return what;
            }
        };
    }
}
