package io.herald.server.console;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.herald.server.audit.Auditor;
import io.herald.server.catalog.CatalogRules;
import io.herald.server.catalog.MessageTypeView;
import io.herald.server.catalog.TopicService;
import io.herald.server.catalog.TopicView;
import io.herald.server.common.ForbiddenException;
import io.herald.server.common.HeraldException;
import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.TimeInput;
import io.herald.server.common.ValidationException;
import io.herald.server.common.Violations;
import io.herald.server.ingest.IngestService;
import io.herald.server.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The message browser of a topic, and producing (or re-producing) a message from the console.
 * Keys, headers and payloads are only read for users with the message-view permission; the check
 * is here on the server, not in the template.
 */
@Controller
@RequestMapping("/topics/{name}/messages")
class MessagePages {

    static final List<Integer> LIMITS = List.of(20, 50, 100, 200);
    static final List<String> CONTENT_TYPES = List.of("application/json", "text/plain");
    private static final List<String> FIELDS = List.of("key", "type", "source", "contentType", "body");

    private final TopicService topics;
    private final MessageBrowser browser;
    private final IngestService ingest;
    private final ConsoleJson json;
    private final Auditor auditor;

    MessagePages(TopicService topics, MessageBrowser browser, IngestService ingest, ConsoleJson json, Auditor auditor) {
        this.topics = topics;
        this.browser = browser;
        this.ingest = ingest;
        this.json = json;
        this.auditor = auditor;
    }

    record Filters(String mode, String partition, String from, String offset, int limit, String key, String type) {
    }

    @GetMapping
    String browse(@PathVariable String name, @RequestParam(defaultValue = "newest") String mode,
                  @RequestParam(required = false) String partition, @RequestParam(required = false) String from,
                  @RequestParam(required = false) String offset, @RequestParam(defaultValue = "20") int limit,
                  @RequestParam(required = false) String key, @RequestParam(required = false) String type,
                  HttpServletRequest request, Model model) {
        TopicView topic = topics.get(name, false);
        Me me = ConsoleAdvice.current();
        boolean payloads = me != null && me.messageView();
        int n = LIMITS.contains(limit) ? limit : 20;
        FormErrors errors = FormErrors.none();
        MessageBrowser.Mode m = switch (mode.toLowerCase(Locale.ROOT)) {
            case "time" -> MessageBrowser.Mode.TIME;
            case "offset" -> MessageBrowser.Mode.OFFSET;
            default -> MessageBrowser.Mode.NEWEST;
        };
        Long pl = number(partition, "partition", errors);
        Integer p = pl == null ? null : (int) Math.max(-1, Math.min(Integer.MAX_VALUE, pl));
        if (p != null && (p < 0 || p >= topic.partitions())) {
            errors.field("partition", "must be between 0 and " + (topic.partitions() - 1));
        }
        Instant fromTime = null;
        if (m == MessageBrowser.Mode.TIME) {
            fromTime = TimeInput.CONSOLE_UTC.read("from", from, errors::field);
            if (fromTime == null && errors.isEmpty()) {
                errors.field("from", "is required to read from a time");
            }
        }
        Long fromOffset = null;
        if (m == MessageBrowser.Mode.OFFSET) {
            fromOffset = number(offset, "offset", errors);
            if (fromOffset == null && errors.isEmpty()) {
                errors.field("offset", "is required to read from an offset");
            }
        }
        String keyFilter = payloads ? TopicPages.blankToNull(key) : null;
        model.addAttribute("topic", topic);
        model.addAttribute("payloads", payloads);
        model.addAttribute("limits", LIMITS);
        model.addAttribute("errors", errors);
        model.addAttribute("f", new Filters(m.name().toLowerCase(Locale.ROOT), partition == null ? "" : partition,
                from == null ? "" : from, offset == null ? "" : offset, n, keyFilter == null ? "" : keyFilter,
                type == null ? "" : type));
        if (errors.isEmpty()) {
            try {
                model.addAttribute("result", browser.browse(name, topic.partitions(),
                        new MessageBrowser.Query(m, p, fromTime, fromOffset, n, keyFilter, TopicPages.blankToNull(type)), payloads));
            } catch (KafkaUnavailableException e) {
                model.addAttribute("kafkaError", "Kafka is not reachable right now. Try again in a moment.");
            }
        }
        return Views.of(request, "messages/browse", "fragments/messages :: browse");
    }

    // ---- produce --------------------------------------------------------------------------------

    @GetMapping("/new")
    String newMessage(@PathVariable String name, Caller caller, HttpServletRequest request, Model model) {
        caller.requireWrite();
        TopicView topic = topics.get(name, false);
        ProduceForm form = new ProduceForm();
        form.setSource(topic.app());
        form.setType(topic.types().isEmpty() ? null : topic.types().get(0).name());
        return produceForm(request, model, topic, form, FormErrors.none(), null, "produce");
    }

    @PostMapping
    String produce(@PathVariable String name, @ModelAttribute("form") ProduceForm form, Caller caller,
                   HttpServletRequest request, HttpServletResponse response, Model model) {
        caller.requireWrite();
        TopicView topic = topics.get(name, false);
        return send(topic, form, null, caller, request, response, model);
    }

    @GetMapping("/{partition}/{offset}/reproduce")
    String reproduceForm(@PathVariable String name, @PathVariable int partition, @PathVariable long offset, Caller caller,
                         HttpServletRequest request, Model model) {
        caller.requireWrite();
        requireMessageView();
        TopicView topic = topics.get(name, false);
        MessageBrowser.Message original = original(name, partition, offset);
        ProduceForm form = new ProduceForm();
        form.setKey(original.key());
        form.setType(original.type());
        form.setSource(original.source() != null ? original.source() : topic.app());
        String contentType = original.headers().stream().filter(h -> h.name().equals("content-type"))
                .map(MessageBrowser.HeaderView::value).findFirst().orElse(original.json() ? "application/json" : "text/plain");
        form.setContentType(CONTENT_TYPES.contains(contentType) ? contentType : "text/plain");
        form.setBody(original.body());
        return produceForm(request, model, topic, form, FormErrors.none(), original, "produce");
    }

    @PostMapping("/{partition}/{offset}/reproduce")
    String reproduce(@PathVariable String name, @PathVariable int partition, @PathVariable long offset,
                     @ModelAttribute("form") ProduceForm form, Caller caller, HttpServletRequest request,
                     HttpServletResponse response, Model model) {
        caller.requireWrite();
        requireMessageView();
        TopicView topic = topics.get(name, false);
        return send(topic, form, original(name, partition, offset), caller, request, response, model);
    }

    private MessageBrowser.Message original(String topic, int partition, long offset) {
        MessageBrowser.Message m = browser.one(topic, partition, offset, true);
        if (m == null) {
            throw new NotFoundException("Message", topic + "/" + partition + "/" + offset);
        }
        if (m.binary()) {
            throw new ValidationException("body", "binary payloads cannot be edited in the console");
        }
        return m;
    }

    private String send(TopicView topic, ProduceForm form, MessageBrowser.Message original, Caller caller,
                        HttpServletRequest request, HttpServletResponse response, Model model) {
        String contentType = form.getContentType() == null ? "application/json" : form.getContentType().strip();
        String type = form.getType() == null ? null : form.getType().strip();
        String source = TopicPages.blankToNull(form.getSource()) == null ? topic.app() : form.getSource().strip();
        Violations v = new Violations();
        CatalogRules.typeName(v, "type", type);
        if (!CONTENT_TYPES.contains(contentType)) {
            v.add("contentType", "must be application/json or text/plain");
        } else if (contentType.equals("application/json") && (form.getBody() == null || form.getBody().isBlank()
                || json.parseAny(form.getBody()) == null)) {
            v.add("body", "is not valid JSON; choose text/plain to send it as text");
        }
        if (form.getKey() != null && form.getKey().length() > 1000) {
            v.add("key", "must be at most 1000 characters");
        }
        if (form.getBody() != null && form.getBody().length() > 1_000_000) {
            v.add("body", "must be at most 1,000,000 characters");
        }
        try {
            v.throwIfAny();
            CloudEventBuilder event = CloudEventBuilder.v1()
                    .withId(UUID.randomUUID().toString())
                    .withSource(URI.create("herald"))
                    .withType(type)
                    .withData(contentType, (form.getBody() == null ? "" : form.getBody()).getBytes(StandardCharsets.UTF_8));
            if (form.getKey() != null && !form.getKey().isEmpty()) {
                event.withExtension("partitionkey", form.getKey());
            }
            // the same door as HTTP and gRPC: declared type, JSON Schema, size, producer and acks=all
            IngestService.EventResult sent = ingest.publish(caller, topic.name(), event.build(), null,
                    new IngestService.Origin(source, original == null ? null : original.id()));
            Map<String, Object> audited = new LinkedHashMap<>();
            audited.put("topic", topic.name());
            audited.put("partition", sent.partition());
            audited.put("offset", sent.offset());
            audited.put("type", type);
            if (original != null) {
                audited.put("reproducedFrom", original.partition() + "/" + original.offset());
            }
            auditor.record(caller, original == null ? "produce" : "reproduce", "message",
                    topic.name() + "/" + sent.partition() + "/" + sent.offset(), null, audited);
            return Views.redirect(request, response, Views.path("topics", topic.name(), "messages"),
                    "Message produced to partition " + sent.partition() + " at offset " + sent.offset() + ".");
        } catch (ForbiddenException e) {
            throw e;
        } catch (NotFoundException e) {
            if (e.field() == null || e.field().equals("topic")) {
                throw e;
            }
            response.setStatus(422);
            return produceForm(request, model, topic, form, FormErrors.of(e, FIELDS, MessagePages::formField), original,
                    "produceForm");
        } catch (HeraldException e) {
            response.setStatus(e.status().value());
            return produceForm(request, model, topic, form, FormErrors.of(e, FIELDS, MessagePages::formField), original,
                    "produceForm");
        }
    }

    /** The form field for a field the ingestion service names. */
    private static String formField(String field) {
        return switch (field == null ? "" : field) {
            case "data" -> "body";
            case "datacontenttype" -> "contentType";
            case "partitionkey" -> "key";
            default -> field;
        };
    }

    private String produceForm(HttpServletRequest request, Model model, TopicView topic, ProduceForm form, FormErrors errors,
                               MessageBrowser.Message original, String fragment) {
        model.addAttribute("topic", topic);
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("original", original);
        model.addAttribute("typeNames", topic.types().stream().map(MessageTypeView::name).toList());
        model.addAttribute("contentTypes", CONTENT_TYPES);
        return Views.of(request, "messages/produce", "fragments/messages :: " + fragment);
    }

    private static void requireMessageView() {
        Me me = ConsoleAdvice.current();
        if (me == null || !me.messageView()) {
            throw new ForbiddenException("Re-producing shows the message: it needs the message-view permission");
        }
    }

    private static Long number(String value, String field, FormErrors errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.valueOf(value.strip());
        } catch (NumberFormatException e) {
            errors.field(field, "must be a whole number");
            return null;
        }
    }

}
