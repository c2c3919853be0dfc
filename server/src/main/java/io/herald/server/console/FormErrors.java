package io.herald.server.console;

import io.herald.server.common.HeraldException;
import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.common.ValidationException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Messages to show beside the fields of a form. They come from the catalog services' own
 * validation (the same rules and words as the REST API); the console adds nothing but the
 * placement. A message for a field the form does not show becomes the form-level message.
 */
public final class FormErrors {

    private final Map<String, String> byField = new LinkedHashMap<>();
    private String global;

    public static FormErrors none() {
        return new FormErrors();
    }

    /**
     * @param shown    the form's field names
     * @param rename   maps a service field name to the form's (e.g. shifted type indexes)
     */
    public static FormErrors of(HeraldException e, Collection<String> shown, UnaryOperator<String> rename) {
        FormErrors errors = new FormErrors();
        if (e instanceof ValidationException v) {
            v.violations().forEach(f -> errors.add(rename.apply(f.field()), f.field(), f.message(), shown));
        } else if (e instanceof KafkaUnavailableException) {
            errors.global = "Kafka did not answer in time; nothing was changed. Try again in a moment.";
        } else if (e.field() != null) {
            errors.add(rename.apply(e.field()), e.field(), e.getMessage(), shown);
        } else {
            errors.global = e.getMessage();
        }
        return errors;
    }

    public static FormErrors of(HeraldException e, Collection<String> shown) {
        return of(e, shown, UnaryOperator.identity());
    }

    /** Values the form could not even convert (letters in a number field). */
    static FormErrors binding(org.springframework.validation.BindingResult result) {
        FormErrors errors = new FormErrors();
        for (org.springframework.validation.FieldError f : result.getFieldErrors()) {
            ConsoleDuration.BadDuration bad = badDuration(f);
            errors.byField.putIfAbsent(f.getField(), bad != null ? bad.getMessage() : "must be a number");
        }
        return errors;
    }

    private static ConsoleDuration.BadDuration badDuration(org.springframework.validation.FieldError f) {
        if (!f.contains(org.springframework.beans.TypeMismatchException.class)) {
            return null;
        }
        Throwable cause = f.unwrap(org.springframework.beans.TypeMismatchException.class);
        while (cause != null && !(cause instanceof ConsoleDuration.BadDuration)) {
            cause = cause.getCause();
        }
        return (ConsoleDuration.BadDuration) cause;
    }

    public FormErrors field(String field, String message) {
        byField.putIfAbsent(field, message);
        return this;
    }

    private void add(String formField, String serviceField, String message, Collection<String> shown) {
        if (formField != null && shown.contains(formField)) {
            // several rules broken by one field (each breaking path of a schema change): show them all
            byField.merge(formField, message, (a, b) -> a + "; " + b);
        } else {
            String line = serviceField + ": " + message;
            global = global == null ? line : global + "; " + line;
        }
    }

    public boolean has(String field) {
        return byField.containsKey(field);
    }

    public String get(String field) {
        return byField.get(field);
    }

    public String getGlobal() {
        return global;
    }

    public boolean isEmpty() {
        return byField.isEmpty() && global == null;
    }

    Map<String, String> fields() {
        return byField;
    }
}
