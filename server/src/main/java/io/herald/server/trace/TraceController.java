package io.herald.server.trace;

import io.herald.server.common.TimeInput;
import io.herald.server.common.ValidationException;
import io.herald.server.security.Caller;
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
        TraceSearch search = new TraceSearch(key, topic, TimeInput.INSTANT.read("from", from), TimeInput.INSTANT.read("to", to),
                type, failed, traceparent);
        return traces.search(caller, search, page, size);
    }

}
