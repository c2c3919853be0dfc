package io.herald.server.dispatch;

import io.herald.server.catalog.BindingKind;
import java.util.regex.Pattern;

/** Which message types a binding receives: DIRECT the exact type, REGEX a whole-type match, FANOUT all. */
record TypeFilter(BindingKind kind, String pattern, Pattern regex) {

    static TypeFilter of(BindingKind kind, String pattern) {
        return new TypeFilter(kind, pattern, kind == BindingKind.REGEX ? Pattern.compile(pattern) : null);
    }

    boolean accepts(String type) {
        return switch (kind) {
            case FANOUT -> true;
            case DIRECT -> pattern.equals(type);
            case REGEX -> type != null && regex.matcher(type).matches();
        };
    }
}
