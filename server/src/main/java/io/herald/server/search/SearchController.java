package io.herald.server.search;

import io.herald.server.catalog.TopicService;
import io.herald.server.catalog.TopicView;
import io.herald.server.common.ForbiddenException;
import io.herald.server.common.TimeInput;
import io.herald.server.common.ValidationException;
import io.herald.server.common.Violations;
import io.herald.server.security.Caller;
import io.herald.server.trace.TraceService;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/topics/{topic}/search}: a payload search streamed as NDJSON, one line per hit as it is
 * found (see {@link HitLines}), then one {@code {"summary":{…}}} line with what was read and why it ended.
 * Only callers who may see the topic's payloads (an admin, the owning app) may search it.
 */
@RestController
@RequestMapping("/api/v1")
class SearchController {

    static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    /**
     * A search.
     *
     * @param text       the payload contains this text (case-sensitive), or
     * @param jsonPath   the payload's JSON field at this path ({@code $.order.id}, {@code $.items[0].sku})
     * @param value      equals this value
     * @param type       only messages of this type ({@code ce_type})
     * @param from       start of the range, inclusive (ISO-8601 with offset or epoch ms); the topic's start when absent
     * @param to         end of the range, exclusive; the topic's end (now) when absent
     * @param partitions only these partitions; all when absent
     * @param maxScan    read at most this many records ({@code herald.console.search.default-scan} when absent)
     */
    record SearchBody(String text, String jsonPath, String value, String type, String from, String to,
                      List<Integer> partitions, Long maxScan) {
    }

    private final PayloadSearch search;
    private final TopicService topics;
    private final TraceService traces;

    SearchController(PayloadSearch search, TopicService topics, TraceService traces) {
        this.search = search;
        this.topics = topics;
        this.traces = traces;
    }

    @PostMapping("/topics/{topic}/search")
    void search(Caller caller, @PathVariable String topic, @RequestBody(required = false) SearchBody body,
                HttpServletResponse response) throws IOException {
        TopicView t = topics.get(caller, topic, false);
        if (!traces.mayViewPayload(caller, t.name())) {
            throw new ForbiddenException("Only an admin or the app owning topic '" + t.name() + "' may search its payloads");
        }
        SearchBody b = body == null ? new SearchBody(null, null, null, null, null, null, null, null) : body;
        Violations v = new Violations();
        Instant from = time("from", b.from(), v);
        Instant to = time("to", b.to(), v);
        PayloadSearch.Plan plan;
        try {
            plan = search.plan(new SearchRequest(t.name(), b.text(), b.jsonPath(), b.value(), b.type(), from, to,
                    b.partitions() == null ? null : new LinkedHashSet<>(b.partitions()), b.maxScan()), t.partitions());
        } catch (ValidationException e) {
            e.violations().forEach(f -> v.add(f.field(), f.message()));
            plan = null;
        }
        v.throwIfAny();
        // Written on the request's own thread, not as an async stream: a long search must not meet the
        // container's async timeout, and a client that goes away stops it at the next hit it is sent.
        try (PayloadSearch.Scan scan = search.open(plan)) {
            response.setStatus(200);
            response.setContentType(NDJSON.toString());
            response.setHeader("Cache-Control", "no-store");
            OutputStream out = response.getOutputStream();
            out.flush();
            PayloadSearch.Summary s = scan.run(hit -> {
                HitLines.write(out, HitLines.line(t.name(), hit));
                out.flush();
                return true;
            }, () -> false);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("scanned", s.scanned());
            summary.put("total", s.total());
            summary.put("hits", s.hits());
            summary.put("stopped", s.reason().wire());
            if (s.error() != null) {
                summary.put("error", s.error());
            }
            summary.put("millis", s.millis());
            if (s.reason() != PayloadSearch.Reason.STOPPED) {
                HitLines.write(out, Map.of("summary", summary));
                out.flush();
            }
        }
    }

    private static Instant time(String field, String text, Violations v) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return TimeInput.INSTANT.read(field, text.strip());
        } catch (ValidationException e) {
            v.add(field, e.messageFor(field));
            return null;
        }
    }
}
