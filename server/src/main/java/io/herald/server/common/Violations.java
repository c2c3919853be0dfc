package io.herald.server.common;

import java.util.ArrayList;
import java.util.List;

/** Collects field violations during validation and throws them together. */
public final class Violations {

    private final List<ValidationException.FieldViolation> list = new ArrayList<>();

    public Violations add(String field, String message) {
        list.add(new ValidationException.FieldViolation(field, message));
        return this;
    }

    public boolean has(String field) {
        return list.stream().anyMatch(v -> v.field().equals(field));
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public void throwIfAny() {
        if (!list.isEmpty()) {
            throw new ValidationException(list);
        }
    }
}
