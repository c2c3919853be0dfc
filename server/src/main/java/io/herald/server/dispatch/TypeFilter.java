package io.herald.server.dispatch;

import io.herald.server.catalog.BindingKind;
import io.herald.server.common.TypePatterns;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Which message types a binding receives: DIRECT the exact type, REGEX a whole-type match, FANOUT all.
 * A REGEX pattern runs within {@link TypePatterns}' time budget; a type it cannot decide within it is
 * {@link Verdict#TOO_SLOW} (the worker dead-letters such records, naming the reason). Verdicts are
 * remembered per type, so a topic's few types cost one match each.
 */
final class TypeFilter {

    /** What the filter says about one type. */
    enum Verdict { ACCEPT, SKIP, TOO_SLOW }

    private static final int REMEMBERED = 1024;
    private static final int REMEMBERED_LENGTH = 1000;

    private final BindingKind kind;
    private final String pattern;
    private final Pattern regex;
    private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();

    private TypeFilter(BindingKind kind, String pattern, Pattern regex) {
        this.kind = kind;
        this.pattern = pattern;
        this.regex = regex;
    }

    static TypeFilter of(BindingKind kind, String pattern) {
        return new TypeFilter(kind, pattern, kind == BindingKind.REGEX ? TypePatterns.compileStored(pattern) : null);
    }

    String pattern() {
        return pattern;
    }

    boolean accepts(String type) {
        return decide(type) == Verdict.ACCEPT;
    }

    Verdict decide(String type) {
        return switch (kind) {
            case FANOUT -> Verdict.ACCEPT;
            case DIRECT -> pattern.equals(type) ? Verdict.ACCEPT : Verdict.SKIP;
            case REGEX -> type == null ? Verdict.SKIP : regex(type);
        };
    }

    private Verdict regex(String type) {
        Verdict known = verdicts.get(type);
        if (known != null) {
            return known;
        }
        Verdict v;
        try {
            v = TypePatterns.matches(regex, type, TypePatterns.budget()) ? Verdict.ACCEPT : Verdict.SKIP;
        } catch (TypePatterns.BudgetExceeded e) {
            v = Verdict.TOO_SLOW;
        }
        if (type.length() <= REMEMBERED_LENGTH) {
            if (verdicts.size() >= REMEMBERED) {
                verdicts.clear();
            }
            verdicts.put(type, v);
        }
        return v;
    }

    /** The dead-letter reason of a record whose type this filter could not decide in time. */
    String tooSlowReason(String type) {
        return "typePattern '" + TypePatterns.shown(pattern) + "' " + new TypePatterns.BudgetExceeded(type).messageFor(TypePatterns.FIELD);
    }
}
