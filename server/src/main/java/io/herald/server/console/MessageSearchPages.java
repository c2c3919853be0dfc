package io.herald.server.console;

import io.herald.server.catalog.TopicService;
import io.herald.server.catalog.TopicView;
import io.herald.server.common.ForbiddenException;
import io.herald.server.common.HeraldException;
import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.common.TimeInput;
import io.herald.server.common.ValidationException;
import io.herald.server.search.HitLines;
import io.herald.server.search.PayloadMatcher;
import io.herald.server.search.PayloadSearch;
import io.herald.server.search.SearchHit;
import io.herald.server.search.SearchJob;
import io.herald.server.search.SearchRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Payload search (a job on a background thread that the page polls for progress and new hits, and may stop),
 * the live tail of a topic, and JSON Lines downloads of the shown messages or of a search's hits. Searching
 * and downloading show payloads: they need the message-view permission, checked here on the server.
 */
@Controller
@RequestMapping("/topics/{name}/messages")
class MessageSearchPages {

    /** Messages the live tail keeps on the page. */
    static final int TAIL_SHOWN = 200;
    private static final List<String> SEARCH_FIELDS = List.of("text", "jsonPath", "value", "type", "from", "to", "partitions",
            "maxScan");

    private final TopicService topics;
    private final MessageBrowser browser;
    private final PayloadSearch search;

    MessageSearchPages(TopicService topics, MessageBrowser browser, PayloadSearch search) {
        this.topics = topics;
        this.browser = browser;
        this.search = search;
    }

    /** The search form as typed. */
    record SearchForm(String text, String jsonPath, String value, String type, String from, String to, Set<Integer> partitions,
                      String maxScan) {
        public boolean has(int partition) {
            return partitions.contains(partition);
        }
    }

    // ---- search ----------------------------------------------------------------------------------

    @GetMapping("/search")
    String searchPage(@PathVariable String name, @RequestParam(required = false) String job,
                      @RequestParam(required = false) Integer seen, HttpServletRequest request, Model model) {
        Me me = requireMessageView();
        TopicView topic = topics.get(name, false);
        model.addAttribute("topic", topic);
        model.addAttribute("payloads", true);
        model.addAttribute("settings", search.settings());
        model.addAttribute("errors", FormErrors.none());
        if (job == null) {
            model.addAttribute("form", new SearchForm("", "", "", "", "", "", Set.of(), ""));
            return Views.of(request, "messages/search", "fragments/message-search :: search");
        }
        SearchJob j = search.job(me.name(), job);
        model.addAttribute("form", form(j));
        // the state first, the hits after: a search that ended in between has its last hits in this answer
        model.addAttribute("job", JobView.of(j));
        if (Views.htmx(request) && seen != null) {
            // a poll: the progress, and the hits found since the page last asked
            int from = Math.max(0, seen);
            List<SearchHit> fresh = j.hits(from);
            model.addAttribute("newHits", views(fresh));
            model.addAttribute("seenNow", from + fresh.size());
            return "fragments/message-search :: poll";
        }
        List<SearchHit> all = j.hits(0);
        model.addAttribute("hits", views(all));
        model.addAttribute("seenNow", all.size());
        return Views.of(request, "messages/search", "fragments/message-search :: search");
    }

    @PostMapping("/search")
    String start(@PathVariable String name, @RequestParam(required = false) String text,
                 @RequestParam(required = false) String jsonPath, @RequestParam(required = false) String value,
                 @RequestParam(required = false) String type, @RequestParam(required = false) String from,
                 @RequestParam(required = false) String to, @RequestParam(required = false) List<String> partition,
                 @RequestParam(required = false) String maxScan, HttpServletRequest request, HttpServletResponse response,
                 Model model) {
        Me me = requireMessageView();
        TopicView topic = topics.get(name, false);
        FormErrors errors = FormErrors.none();
        Set<Integer> parts = new LinkedHashSet<>();
        for (String p : partition == null ? List.<String>of() : partition) {
            try {
                parts.add(Integer.valueOf(p.strip()));
            } catch (NumberFormatException e) {
                errors.field("partitions", "'" + p + "' is not a partition number");
            }
        }
        Instant fromTime = TimeInput.CONSOLE_UTC.read("from", from, errors::field);
        Instant toTime = TimeInput.CONSOLE_UTC.read("to", to, errors::field);
        Long scan = null;
        if (maxScan != null && !maxScan.isBlank()) {
            try {
                scan = Long.valueOf(maxScan.strip().replace(",", "").replace("_", ""));
            } catch (NumberFormatException e) {
                errors.field("maxScan", "must be a whole number");
            }
        }
        SearchForm form = new SearchForm(nz(text), nz(jsonPath), nz(value), nz(type), nz(from), nz(to), parts, nz(maxScan));
        if (errors.isEmpty()) {
            try {
                PayloadSearch.Plan plan = search.plan(new SearchRequest(topic.name(), text, jsonPath, value, type, fromTime, toTime,
                        parts, scan), topic.partitions());
                SearchJob job = search.start(me.name(), plan);
                return Views.redirect(request, response, Views.path("topics", topic.name(), "messages", "search") + "?job=" + job.id());
            } catch (KafkaUnavailableException e) {
                errors = FormErrors.none().field("text", "Kafka is not reachable right now. Try again in a moment.");
                response.setStatus(503);
            } catch (ValidationException e) {
                errors = FormErrors.of(e, SEARCH_FIELDS);
                response.setStatus(422);
            } catch (HeraldException e) {
                errors = FormErrors.of(e, SEARCH_FIELDS);
                response.setStatus(e.status().value());
            }
        } else {
            response.setStatus(422);
        }
        model.addAttribute("topic", topic);
        model.addAttribute("settings", search.settings());
        model.addAttribute("errors", errors);
        model.addAttribute("form", form);
        return Views.of(request, "messages/search", "fragments/message-search :: searchForm");
    }

    @PostMapping("/search/stop")
    String stop(@PathVariable String name, @RequestParam(required = false) String job, HttpServletRequest request, HttpServletResponse response) {
        Me me = requireMessageView();
        TopicView topic = topics.get(name, false);
        search.stop(me.name(), job);
        return Views.redirect(request, response, Views.path("topics", topic.name(), "messages", "search") + "?job=" + job);
    }

    @GetMapping("/search/hits.jsonl")
    void searchHits(@PathVariable String name, @RequestParam(required = false) String job, HttpServletResponse response) throws IOException {
        Me me = requireMessageView();
        TopicView topic = topics.get(name, false);
        SearchJob j = search.job(me.name(), job);
        download(response, topic.name() + "-search.jsonl", topic.name(), j.hits(0));
    }

    // ---- export of the shown messages ----------------------------------------------------------

    @GetMapping("/export.jsonl")
    void export(@PathVariable String name, @RequestParam(defaultValue = "newest") String mode,
                @RequestParam(required = false) String partition, @RequestParam(required = false) String from,
                @RequestParam(required = false) String offset, @RequestParam(defaultValue = "20") int limit,
                @RequestParam(required = false) String key, @RequestParam(required = false) String type,
                HttpServletResponse response) throws IOException {
        requireMessageView();
        TopicView topic = topics.get(name, false);
        MessageBrowser.Mode m = switch (mode.toLowerCase(Locale.ROOT)) {
            case "time" -> MessageBrowser.Mode.TIME;
            case "offset" -> MessageBrowser.Mode.OFFSET;
            default -> MessageBrowser.Mode.NEWEST;
        };
        Integer p = null;
        if (partition != null && !partition.isBlank()) {
            try {
                p = Integer.valueOf(partition.strip());
            } catch (NumberFormatException e) {
                throw new ValidationException("partition", "must be a whole number");
            }
            if (p < 0 || p >= topic.partitions()) {
                throw new ValidationException("partition", "must be between 0 and " + (topic.partitions() - 1));
            }
        }
        Instant fromTime = m == MessageBrowser.Mode.TIME ? TimeInput.CONSOLE_UTC.read("from", from) : null;
        if (m == MessageBrowser.Mode.TIME && fromTime == null) {
            throw new ValidationException("from", "is required to read from a time");
        }
        Long fromOffset = null;
        if (m == MessageBrowser.Mode.OFFSET) {
            try {
                fromOffset = Long.valueOf(offset == null ? "" : offset.strip());
            } catch (NumberFormatException e) {
                throw new ValidationException("offset", "must be a whole number");
            }
        }
        int n = MessagePages.LIMITS.contains(limit) ? limit : 20;
        List<SearchHit> records = browser.records(topic.name(), topic.partitions(), new MessageBrowser.Query(m, p, fromTime,
                fromOffset, n, TopicPages.blankToNull(key), TopicPages.blankToNull(type)));
        download(response, topic.name() + "-messages.jsonl", topic.name(), records);
    }

    private static void download(HttpServletResponse response, String file, String topic, List<SearchHit> hits) throws IOException {
        response.setStatus(200);
        response.setContentType("application/x-ndjson;charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"" + file.replaceAll("[^A-Za-z0-9._-]", "_") + "\"");
        response.setHeader("Cache-Control", "no-store");
        OutputStream out = response.getOutputStream();
        for (SearchHit h : hits) {
            HitLines.write(out, HitLines.line(topic, h));
        }
        out.flush();
    }

    // ---- live tail -------------------------------------------------------------------------------

    @GetMapping("/tail")
    String tail(@PathVariable String name, @RequestParam(required = false) String type, @RequestParam(required = false) String key,
                @RequestParam(required = false) String text, @RequestParam(required = false) String jsonPath,
                @RequestParam(required = false) String value, @RequestParam(required = false) String after,
                @RequestParam(defaultValue = "false") boolean paused, HttpServletRequest request, Model model) {
        TopicView topic = topics.get(name, false);
        Me me = ConsoleAdvice.current();
        boolean payloads = me != null && me.messageView();
        FormErrors errors = FormErrors.none();
        PayloadMatcher matcher = PayloadMatcher.any();
        String keyFilter = payloads ? TopicPages.blankToNull(key) : null;
        if (payloads) {
            try {
                matcher = PayloadMatcher.of(text, jsonPath, value);
            } catch (ValidationException e) {
                e.violations().forEach(v -> errors.field(v.field(), v.message()));
            }
        }
        Map<Integer, Long> cursor = cursor(after, errors);
        boolean poll = Views.htmx(request) && after != null;
        model.addAttribute("topic", topic);
        model.addAttribute("payloads", payloads);
        model.addAttribute("errors", errors);
        model.addAttribute("paused", paused);
        model.addAttribute("tf", new TailFilters(nz(type), keyFilter == null ? "" : keyFilter, payloads ? nz(text) : "",
                payloads ? nz(jsonPath) : "", payloads ? nz(value) : ""));
        model.addAttribute("shown", TAIL_SHOWN);
        if (errors.isEmpty()) {
            try {
                MessageBrowser.Query q = new MessageBrowser.Query(MessageBrowser.Mode.NEWEST, null, null, null,
                        poll ? TAIL_SHOWN : 20, keyFilter, TopicPages.blankToNull(type), matcher);
                MessageBrowser.Tail t = paused && cursor != null
                        ? new MessageBrowser.Tail(List.of(), cursor, 0)
                        : browser.tail(topic.name(), topic.partitions(), cursor, poll ? TAIL_SHOWN : 20, q, payloads);
                model.addAttribute("tailMessages", t.messages());
                model.addAttribute("after", cursorText(t.next()));
            } catch (KafkaUnavailableException e) {
                model.addAttribute("kafkaError", "Kafka is not reachable right now; the tail tries again.");
                model.addAttribute("tailMessages", List.of());
                model.addAttribute("after", after == null ? "" : after);
            }
        } else {
            model.addAttribute("tailMessages", List.of());
            model.addAttribute("after", "");
        }
        return poll ? "fragments/message-search :: tailPoll" : Views.of(request, "messages/tail", "fragments/message-search :: tail");
    }

    /** A search's state at one moment, as the page shows it. */
    record JobView(String id, boolean running, int percent, long scanned, long total, PayloadSearch.Summary summary, int maxHits) {
        static JobView of(SearchJob j) {
            PayloadSearch.Summary s = j.summary();
            return new JobView(j.id(), s == null, j.percent(), s == null ? j.scanned() : s.scanned(), j.total(), s, j.maxHits());
        }
    }

    record TailFilters(String type, String key, String text, String jsonPath, String value) {
    }

    /** {@code 0:12,1:40} as partition to offset; null for none. */
    private static Map<Integer, Long> cursor(String after, FormErrors errors) {
        if (after == null || after.isBlank()) {
            return null;
        }
        Map<Integer, Long> out = new TreeMap<>();
        for (String part : after.split(",")) {
            String[] pair = part.strip().split(":");
            try {
                if (pair.length != 2) {
                    throw new NumberFormatException();
                }
                out.put(Integer.valueOf(pair[0]), Long.valueOf(pair[1]));
            } catch (NumberFormatException e) {
                errors.field("after", "must list partition:offset pairs, e.g. 0:12,1:40");
                return null;
            }
        }
        return out;
    }

    private static String cursorText(Map<Integer, Long> next) {
        List<String> parts = new ArrayList<>();
        next.forEach((p, o) -> parts.add(p + ":" + o));
        return String.join(",", parts);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private List<MessageBrowser.Message> views(List<SearchHit> hits) {
        return hits.stream().map(h -> browser.view(h, true)).toList();
    }

    private static SearchForm form(SearchJob j) {
        SearchRequest r = j.plan().request();
        return new SearchForm(nz(r.text()), nz(r.jsonPath()), nz(r.value()), nz(r.type()), Views.input(r.from()), Views.input(r.to()),
                r.partitions() == null ? Set.of() : r.partitions(), r.maxScan() == null ? "" : String.valueOf(r.maxScan()));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static Me requireMessageView() {
        Me me = ConsoleAdvice.current();
        if (me == null || !me.messageView()) {
            throw new ForbiddenException("Searching and downloading messages shows their payloads: it needs the message-view permission");
        }
        return me;
    }
}
