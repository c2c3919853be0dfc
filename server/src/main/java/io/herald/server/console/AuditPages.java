package io.herald.server.console;

import io.herald.server.audit.AuditEntry;
import io.herald.server.audit.AuditLog;
import io.herald.server.audit.AuditQuery;
import io.herald.server.common.TimeInput;
import io.herald.server.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.ObjectMapper;

/** The audit trail: filter by actor, object and time; each change shown as a field diff. */
@Controller
@RequestMapping("/audit")
class AuditPages {

    static final int PAGE_SIZE = 50;
    static final List<String> OBJECT_TYPES = List.of("app", "topic", "binding", "processor", "console-user", "message", "sign-in");

    private final AuditLog audit;
    private final ObjectMapper json;

    AuditPages(AuditLog audit, ObjectMapper json) {
        this.audit = audit;
        this.json = json;
    }

    record Entry(AuditEntry entry, List<AuditDiff.Row> changes) {
    }

    @GetMapping
    String list(@RequestParam(required = false) String actor, @RequestParam(required = false) String objectType,
                @RequestParam(required = false) String objectId, @RequestParam(required = false) String from,
                @RequestParam(required = false) String to, @RequestParam(defaultValue = "0") int page,
                Caller caller, HttpServletRequest request, Model model) {
        caller.requireAdminRead();
        FormErrors errors = FormErrors.none();
        Instant fromTime = TimeInput.CONSOLE_UTC.read("from", from, errors::field);
        Instant toTime = TimeInput.CONSOLE_UTC.read("to", to, errors::field);
        int p = Math.max(0, page);
        List<AuditEntry> found = errors.isEmpty()
                ? audit.find(new AuditQuery(TopicPages.blankToNull(actor), TopicPages.blankToNull(objectType),
                TopicPages.blankToNull(objectId), fromTime, toTime, p, PAGE_SIZE + 1))
                : List.of();
        // One extra row tells whether an older page exists.
        boolean more = found.size() > PAGE_SIZE;
        List<Entry> entries = found.stream().limit(PAGE_SIZE)
                .map(e -> new Entry(e, AuditDiff.rows(json, e.before(), e.after()))).toList();
        model.addAttribute("entries", entries);
        model.addAttribute("more", more);
        model.addAttribute("page", p);
        model.addAttribute("errors", errors);
        model.addAttribute("objectTypes", OBJECT_TYPES);
        model.addAttribute("f", new Filters(nz(actor), nz(objectType), nz(objectId), nz(from), nz(to)));
        return Views.of(request, "audit/list", "fragments/audit :: list");
    }

    record Filters(String actor, String objectType, String objectId, String from, String to) {
        public boolean any() {
            return !(actor.isEmpty() && objectType.isEmpty() && objectId.isEmpty() && from.isEmpty() && to.isEmpty());
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
