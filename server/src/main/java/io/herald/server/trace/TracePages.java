package io.herald.server.trace;

import io.herald.server.catalog.BindingService;
import io.herald.server.catalog.BindingView;
import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.common.TimeInput;
import io.herald.server.console.ConsoleFrame;
import io.herald.server.console.FormErrors;
import io.herald.server.console.Views;
import io.herald.server.console.Me;
import io.herald.server.common.ValidationException;
import io.herald.server.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The console's traces: a search by message id, key, traceparent, topic and time (failures only if
 * wished), and a message's page with its timeline, per-group state, latencies and, for users with the
 * message-view permission, its payload from Kafka.
 */
@Controller
@ConsoleFrame
class TracePages {

    /** How far back the Traces page looks when it opens without a search. */
    static final java.time.Duration RECENT = java.time.Duration.ofHours(1);

    private final TraceService traces;
    private final BindingService bindings;

    TracePages(TraceService traces, BindingService bindings) {
        this.traces = traces;
        this.bindings = bindings;
    }

    /** The search form as entered (strings, so a bad value is shown back as typed). */
    record SearchForm(String id, String key, String traceparent, String topic, String from, String to, String type,
                      boolean failed) {

        boolean empty() {
            return blank(key) && blank(traceparent) && blank(topic);
        }
    }

    @GetMapping("/traces")
    String search(Caller caller, HttpServletRequest request, HttpServletResponse response, Model model,
                  @RequestParam(required = false) String id, @RequestParam(required = false) String key,
                  @RequestParam(required = false) String traceparent, @RequestParam(required = false) String topic,
                  @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                  @RequestParam(required = false) String type, @RequestParam(defaultValue = "false") boolean failed,
                  @RequestParam(defaultValue = "0") int page) {
        Me me = Me.current();
        boolean keys = me != null && me.messageView();
        // The page opened without a question: what went wrong in the last hour.
        // (the form stays empty: the next search is the user's own, not narrowed to failures of the last hour)
        boolean recentFailures = request.getParameterMap().isEmpty();
        model.addAttribute("recentFailures", recentFailures);
        SearchForm form = new SearchForm(id, keys ? key : null, traceparent, topic, from, to, type, failed);
        FormErrors errors = FormErrors.none();
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("results", null);
        if (recentFailures) {
            model.addAttribute("results", traces.search(caller, new TraceSearch(null, null, Instant.now().minus(RECENT), null, null,
                    true, null), 0, 50));
        } else if (!blank(id)) {
            if (traces.find(id.strip()).isPresent()) {
                return Views.redirect(request, response, Views.path("traces", "messages", id.strip()));
            }
            errors.field("id", "no timepoint of this message id is stored (yet)");
        } else if (!form.empty() || !blank(from) || !blank(to) || !blank(type) || failed) {
            Instant fromTime = TimeInput.CONSOLE_UTC.read("from", from, errors::field);
            Instant toTime = TimeInput.CONSOLE_UTC.read("to", to, errors::field);
            if (errors.isEmpty()) {
                try {
                    model.addAttribute("results", traces.search(caller, new TraceSearch(form.key(), topic, fromTime, toTime, type,
                            failed, traceparent), Math.max(0, page), 50));
                } catch (ValidationException e) {
                    e.violations().forEach(v -> errors.field(v.field(), v.message()));
                }
            }
        }
        return Views.of(request, "traces/search", "fragments/traces :: search");
    }

    @GetMapping("/traces/messages/{id}")
    String message(@PathVariable String id, Caller caller, HttpServletRequest request, Model model) {
        MessageTrace trace = traces.find(id).orElseThrow(() -> TraceService.noTrace(id));
        Me me = Me.current();
        model.addAttribute("t", trace);
        model.addAttribute("waterfall", Waterfall.of(trace));
        model.addAttribute("payload", null);
        model.addAttribute("payloadError", null);
        if (me != null && me.messageView()) {
            try {
                model.addAttribute("payload", traces.payload(trace));
            } catch (KafkaUnavailableException e) {
                model.addAttribute("payloadError", "Kafka did not answer in time; the payload cannot be shown now.");
            }
        }
        List<String> groups = List.of();
        if (trace.topic() != null) {
            groups = bindings.list(Caller.SYSTEM, null, trace.topic(), null).stream().map(BindingView::group).distinct().sorted().toList();
        }
        model.addAttribute("groups", groups);
        return Views.of(request, "traces/message", "fragments/traces :: message");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
