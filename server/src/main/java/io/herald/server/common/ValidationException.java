package io.herald.server.common;

import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * One or more fields break a rule (422). The console shows {@link #violations()} inline beside
 * the fields; the API lists them in the problem's {@code errors} and names the first in {@code field}.
 */
public class ValidationException extends HeraldException {

    private final List<FieldViolation> violations;

    public ValidationException(List<FieldViolation> violations) {
        super(summary(violations), violations.get(0).field());
        this.violations = List.copyOf(violations);
    }

    public ValidationException(String field, String message) {
        this(List.of(new FieldViolation(field, message)));
    }

    public List<FieldViolation> violations() {
        return violations;
    }

    /** The message for one field, or {@code null}. */
    public String messageFor(String field) {
        return violations.stream().filter(v -> v.field().equals(field)).map(FieldViolation::message)
                .findFirst().orElse(null);
    }

    @Override
    public HttpStatus status() {
        return HttpStatus.UNPROCESSABLE_CONTENT;
    }

    @Override
    public String title() {
        return "Invalid request";
    }

    private static String summary(List<FieldViolation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("a validation error needs at least one violation");
        }
        FieldViolation first = violations.get(0);
        String more = violations.size() > 1 ? " (and " + (violations.size() - 1) + " more)" : "";
        return first.field() + ": " + first.message() + more;
    }

    /** A rule broken by one field. */
    public record FieldViolation(String field, String message) {
    }
}
