package io.herald.server.trace;

import io.herald.server.common.ValidationException;
import io.herald.server.security.Caller;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1")
class TraceController {

    private final TraceService traces;

    TraceController(TraceService traces) {
        this.traces = traces;
    }

    @GetMapping("/messages/{id}/trace")
    MessageTrace trace(Caller caller, @PathVariable String id, @RequestParam(defaultValue = "false") boolean payload) {
        return traces.trace(caller, id, payload);
    }

    @GetMapping("/traces")
    TracePage search(Caller caller, @RequestParam(required = false) String key, @RequestParam(required = false) String topic,
                     @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                     @RequestParam(required = false) String type, @RequestParam(required = false) String status,
                     @RequestParam(required = false) String traceparent,
                     @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        boolean failed = false;
        if (status != null && !status.isBlank()) {
            if (!status.strip().equalsIgnoreCase("failed")) {
                throw new ValidationException("status", "may only be 'failed' (messages that failed or were dead-lettered)");
            }
            failed = true;
        }
        return traces.search(caller, new TraceSearch(key, topic, time("from", from), time("to", to), type, failed, traceparent),
                page, size);
    }

    /** An ISO-8601 instant ({@code 2026-11-22T10:15:00Z}, an offset instead of Z, or epoch milliseconds). */
    static Instant time(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String s = value.strip();
        try {
            if (s.chars().allMatch(Character::isDigit)) {
                return Instant.ofEpochMilli(Long.parseLong(s));
            }
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new ValidationException(field, "must be an ISO-8601 time with offset, e.g. 2026-11-22T10:15:00Z, or epoch milliseconds");
        }
    }
}
