package io.herald.server.audit;

import io.herald.server.common.Paging;
import io.herald.server.security.Caller;
import java.time.Instant;
import java.util.List;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/audit")
class AuditController {

    private final AuditLog audit;

    AuditController(AuditLog audit) {
        this.audit = audit;
    }

    @GetMapping
    List<AuditEntry> find(Caller caller,
                          @RequestParam(required = false) String actor,
                          @RequestParam(required = false) String objectType,
                          @RequestParam(required = false) String objectId,
                          @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                          @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
                          @RequestParam(defaultValue = "0") int page,
                          @RequestParam(defaultValue = "50") int size) {
        caller.requireAdminRead();
        Paging paging = Paging.of(page, size);
        return audit.find(new AuditQuery(actor, objectType, objectId, from, to, paging.page(), paging.size()));
    }
}
