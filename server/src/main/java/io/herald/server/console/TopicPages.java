package io.herald.server.console;

import io.herald.server.catalog.AppService;
import io.herald.server.catalog.AppView;
import io.herald.server.catalog.BindingService;
import io.herald.server.catalog.BindingView;
import io.herald.server.catalog.PageView;
import io.herald.server.common.Paging;
import io.herald.server.catalog.TopicService;
import io.herald.server.catalog.TopicSummary;
import io.herald.server.catalog.TopicService.TopicRequest;
import io.herald.server.catalog.TopicService.TypeRequest;
import io.herald.server.catalog.SchemaVersionView;
import io.herald.server.catalog.TopicView;
import io.herald.server.common.ConflictException;
import io.herald.server.common.HeraldException;
import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.ValidationException;
import io.herald.server.provisioning.KafkaTopicState;
import io.herald.server.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.ObjectMapper;

/** Topics: searchable list, create with types, detail with live Kafka state, edit, delete, types. */
@Controller
@RequestMapping("/topics")
class TopicPages {

    static final int PAGE_SIZE = 50;
    private static final List<String> CREATE_FIELDS = List.of("name", "app", "partitions", "replicationFactor", "retentionMs",
            "traceSampleRate", "description", "producers", "consumerPolicy", "consumers", "adopt");
    private static final List<String> EDIT_FIELDS = List.of("app", "partitions", "retentionMs", "traceSampleRate", "description",
            "producers", "consumerPolicy", "consumers");
    private static final List<String> TYPE_FIELDS = List.of("name", "description", "jsonSchema", "compatibility");
    private static final Pattern TYPE_FIELD = Pattern.compile("types\\[(\\d+)]\\.(.+)");

    private final TopicService topics;
    private final AppService apps;
    private final BindingService bindings;
    private final KafkaInsight kafka;
    private final ObjectMapper json;
    private final io.herald.server.catalog.TopicSettings settings;

    TopicPages(TopicService topics, AppService apps, BindingService bindings, KafkaInsight kafka, ObjectMapper json,
               io.herald.server.catalog.TopicSettings settings) {
        this.settings = settings;
        this.topics = topics;
        this.apps = apps;
        this.bindings = bindings;
        this.kafka = kafka;
        this.json = json;
    }

    // ---- list ---------------------------------------------------------------------------------

    @GetMapping
    String list(@RequestParam(required = false) String q, @RequestParam(required = false) String app,
                @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "" + PAGE_SIZE) int size,
                HttpServletRequest request, Model model) {
        Paging paging = Paging.of(Math.max(0, page), Math.min(Math.max(1, size), 200));
        PageView<TopicSummary> result = topics.summaries(q, blankToNull(app), paging);
        model.addAttribute("result", result);
        model.addAttribute("q", q == null ? "" : q);
        model.addAttribute("app", app == null ? "" : app);
        return Views.of(request, "topics/list", "fragments/topics :: list");
    }

    // ---- create -------------------------------------------------------------------------------

    @GetMapping("/new")
    String newTopic(@RequestParam(required = false) String app, Caller caller, HttpServletRequest request, Model model) {
        caller.requireWrite();
        TopicForm form = new TopicForm();
        form.setApp(app);
        form.getTypes().add(new TypeForm());
        return createForm(request, model, form, FormErrors.none(), caller, "create");
    }

    @PostMapping
    String create(@ModelAttribute("form") TopicForm form, BindingResult binding,
                  @RequestParam(required = false) String addType, Caller caller,
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        if (addType != null) {
            // "Add another type" submits the form to grow it; nothing is created.
            form.getTypes().add(new TypeForm());
            return createForm(request, model, form, FormErrors.none(), caller, "createForm");
        }
        if (binding.hasErrors()) {
            response.setStatus(422);
            return createForm(request, model, form, FormErrors.binding(binding), caller, "createForm");
        }
        // Blank type rows are ignored; remember where the others came from to place their errors.
        List<TypeRequest> types = new ArrayList<>();
        List<Integer> rowOf = new ArrayList<>();
        for (int i = 0; i < form.getTypes().size(); i++) {
            TypeForm t = form.getTypes().get(i);
            if (t != null && !t.blank()) {
                types.add(new TypeRequest(trim(t.getName()), t.getDescription(), t.getJsonSchema()));
                rowOf.add(i);
            }
        }
        TopicRequest r = new TopicRequest(trim(form.getName()), blankToNull(form.getApp()), form.getPartitions(),
                form.getReplicationFactor(), form.getRetentionMs(), form.getDescription(), form.getProducers(), types,
                form.isAdopt(), form.getTraceSampleRate(), blankToNull(form.getConsumerPolicy()), form.getConsumers());
        try {
            TopicView created = topics.create(caller, r);
            return Views.redirect(request, response, Views.path("topics", created.name()),
                    "Topic " + created.name() + " created.");
        } catch (ValidationException | ConflictException | KafkaUnavailableException e) {
            response.setStatus(statusOf(e));
            List<String> shown = new ArrayList<>(CREATE_FIELDS);
            for (int i = 0; i < form.getTypes().size(); i++) {
                for (String f : TYPE_FIELDS) {
                    shown.add("types[" + i + "]." + f);
                }
            }
            return createForm(request, model, form, FormErrors.of(e, shown, field -> typeRow(field, rowOf)), caller, "createForm");
        } catch (NotFoundException e) {
            if (e.field() == null) {
                throw e;
            }
            response.setStatus(422);
            return createForm(request, model, form, FormErrors.of(e, CREATE_FIELDS), caller, "createForm");
        }
    }

    private String createForm(HttpServletRequest request, Model model, TopicForm form, FormErrors errors, Caller caller,
                              String fragment) {
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("apps", apps.list(caller).stream().map(AppView::name).toList());
        return Views.of(request, "topics/new", "fragments/topics :: " + fragment);
    }

    /** {@code types[1].name} of the request is row {@code rowOf[1]} of the form. */
    private static String typeRow(String field, List<Integer> rowOf) {
        Matcher m = TYPE_FIELD.matcher(field);
        if (m.matches()) {
            int i = Integer.parseInt(m.group(1));
            if (i < rowOf.size()) {
                return "types[" + rowOf.get(i) + "]." + m.group(2);
            }
        }
        return field;
    }

    // ---- detail -------------------------------------------------------------------------------

    @GetMapping("/{name}")
    String detail(@PathVariable String name, Caller caller, HttpServletRequest request, Model model) {
        // One describe call serves the catalog-versus-Kafka panel and the partition table.
        TopicService.Detail detail = topics.detail(name);
        model.addAttribute("topic", detail.topic());
        List<BindingView> bound = bindings.list(caller, null, name, null);
        model.addAttribute("bindings", bound);
        if (detail.partitions() != null) {
            live(detail.partitions(), bound, model);
        } else {
            model.addAttribute("liveError", detail.topic().kafka().reachable() ? "The topic does not exist in Kafka."
                    : "Kafka is not reachable right now; retrying.");
        }
        model.addAttribute("typeForm", new TypeForm());
        model.addAttribute("errors", FormErrors.none());
        var kafkaSettings = settings.settings(name);
        model.addAttribute("settings", kafkaSettings);
        model.addAttribute("settingsForm", TopicSettingsPages.form(kafkaSettings));
        model.addAttribute("settingsErrors", FormErrors.none());
        return Views.of(request, "topics/detail", "fragments/topics :: detail");
    }

    /** Partitions, offsets, sizes and consumer-group lag; the detail page refreshes it every 5 s. */
    @GetMapping("/{name}/kafka")
    String kafka(@PathVariable String name, Caller caller, HttpServletRequest request, Model model) {
        TopicView topic = topics.get(name, false);
        model.addAttribute("topic", topic);
        live(name, bindings.list(caller, null, name, null), model);
        return Views.of(request, "topics/kafka", "fragments/topics :: live");
    }

    private void live(String name, List<BindingView> bound, Model model) {
        try {
            Optional<KafkaTopicState> state = topics.kafkaDetails(name);
            if (state.isEmpty()) {
                model.addAttribute("liveError", "The topic does not exist in Kafka.");
                return;
            }
            live(state.get(), bound, model);
        } catch (KafkaUnavailableException e) {
            model.addAttribute("liveError", "Kafka is not reachable right now; retrying.");
        }
    }

    private void live(KafkaTopicState state, List<BindingView> bound, Model model) {
        try {
            model.addAttribute("live", kafka.live(state, bound.stream().map(BindingView::group).distinct().toList()));
        } catch (KafkaUnavailableException e) {
            model.addAttribute("liveError", "Kafka is not reachable right now; retrying.");
        }
    }

    // ---- edit ---------------------------------------------------------------------------------

    @GetMapping("/{name}/edit")
    String edit(@PathVariable String name, Caller caller, HttpServletRequest request, Model model) {
        caller.requireWrite();
        TopicView t = topics.get(name, false);
        TopicEditForm form = new TopicEditForm();
        form.setApp(t.app());
        form.setPartitions(t.partitions());
        form.setRetentionMs(t.retentionMs());
        form.setTraceSampleRate(t.traceSampleRate());
        form.setDescription(t.description());
        form.setProducers(new ArrayList<>(t.producers()));
        form.setConsumerPolicy(t.consumerPolicy().name());
        form.setConsumers(new ArrayList<>(t.consumers()));
        return editForm(request, model, t, form, FormErrors.none(), caller, "edit");
    }

    @PostMapping("/{name}")
    String update(@PathVariable String name, @ModelAttribute("form") TopicEditForm form, BindingResult binding, Caller caller,
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        TopicView current = topics.get(name, false);
        if (binding.hasErrors()) {
            response.setStatus(422);
            return editForm(request, model, current, form, FormErrors.binding(binding), caller, "editForm");
        }
        String owner = blankToNull(form.getApp());
        TopicRequest r = new TopicRequest(null, owner, form.getPartitions(), null, form.getRetentionMs(),
                form.getDescription() == null ? "" : form.getDescription(), form.getProducers(), null, null,
                form.getTraceSampleRate() == null ? -1.0 : form.getTraceSampleRate(), blankToNull(form.getConsumerPolicy()),
                form.getConsumers());
        try {
            topics.update(caller, name, r);
            return Views.redirect(request, response, Views.path("topics", name), "Topic " + name + " saved.");
        } catch (ValidationException | ConflictException | KafkaUnavailableException e) {
            response.setStatus(statusOf(e));
            return editForm(request, model, current, form, FormErrors.of(e, EDIT_FIELDS), caller, "editForm");
        } catch (NotFoundException e) {
            if (e.field() == null) {
                throw e;
            }
            response.setStatus(422);
            return editForm(request, model, current, form, FormErrors.of(e, EDIT_FIELDS), caller, "editForm");
        }
    }

    private String editForm(HttpServletRequest request, Model model, TopicView topic, TopicEditForm form, FormErrors errors,
                            Caller caller, String fragment) {
        model.addAttribute("topic", topic);
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("apps", apps.list(caller).stream().map(AppView::name).toList());
        return Views.of(request, "topics/edit", "fragments/topics :: " + fragment);
    }

    // ---- delete -------------------------------------------------------------------------------

    @GetMapping("/{name}/delete")
    String confirmDelete(@PathVariable String name, Caller caller, HttpServletRequest request, Model model) {
        caller.requireWrite();
        model.addAttribute("topic", topics.get(name, false));
        return Views.of(request, "topics/delete", "fragments/topics :: delete");
    }

    @PostMapping("/{name}/delete")
    String delete(@PathVariable String name, Caller caller, HttpServletRequest request, HttpServletResponse response,
                  Model model) {
        try {
            topics.delete(caller, name);
        } catch (ConflictException e) {
            response.setStatus(409);
            model.addAttribute("topic", topics.get(name, false));
            model.addAttribute("deleteError", e.getMessage());
            return Views.of(request, "topics/delete", "fragments/topics :: delete");
        }
        return Views.redirect(request, response, "/topics", "Topic " + name + " deleted.");
    }

    // ---- message types ------------------------------------------------------------------------

    @PostMapping("/{name}/types")
    String addType(@PathVariable String name, @ModelAttribute("typeForm") TypeForm form, Caller caller,
                   HttpServletRequest request, HttpServletResponse response, Model model) {
        try {
            topics.addType(caller, name, new TypeRequest(trim(form.getName()), form.getDescription(), form.getJsonSchema(),
                    form.getCompatibility() == null || form.getCompatibility().isBlank() ? null : form.getCompatibility()));
            return Views.redirect(request, response, Views.path("topics", name), "Type " + trim(form.getName()) + " added.");
        } catch (ValidationException | ConflictException e) {
            response.setStatus(statusOf(e));
            model.addAttribute("topic", topics.get(name, false));
            model.addAttribute("typeForm", form);
            model.addAttribute("errors", FormErrors.of(e, TYPE_FIELDS));
            model.addAttribute("bindings", List.of());
            return Views.of(request, "topics/add-type", "fragments/topics :: typeForm");
        }
    }

    @GetMapping("/{name}/types/{type}/edit")
    String editType(@PathVariable String name, @PathVariable String type, Caller caller, HttpServletRequest request, Model model) {
        caller.requireWrite();
        TopicView topic = topics.get(name, false);
        var t = topic.types().stream().filter(x -> x.name().equals(type)).findFirst()
                .orElseThrow(() -> new NotFoundException("Type", name + "/" + type));
        model.addAttribute("topic", topic);
        model.addAttribute("type", t);
        model.addAttribute("typeForm", new TypeForm(t.name(), t.description(), t.jsonSchema(), t.compatibility()));
        model.addAttribute("errors", FormErrors.none());
        model.addAttribute("history", history(name, type));
        return Views.of(request, "topics/type", "fragments/topics :: editType");
    }

    @PostMapping("/{name}/types/{type}")
    String updateType(@PathVariable String name, @PathVariable String type, @ModelAttribute("typeForm") TypeForm form,
                      Caller caller, HttpServletRequest request, HttpServletResponse response, Model model) {
        try {
            // The type's name comes from the URL; an empty schema field removes the schema.
            topics.updateType(caller, name, type, new TypeRequest(null,
                    form.getDescription() == null ? "" : form.getDescription(),
                    form.getJsonSchema() == null || form.getJsonSchema().isBlank() ? "" : form.getJsonSchema(),
                    form.getCompatibility() == null || form.getCompatibility().isBlank() ? null : form.getCompatibility()));
            return Views.redirect(request, response, Views.path("topics", name), "Type " + type + " saved.");
        } catch (ValidationException | ConflictException e) {
            response.setStatus(statusOf(e));
            TopicView topic = topics.get(name, false);
            model.addAttribute("topic", topic);
            model.addAttribute("type", topic.types().stream().filter(x -> x.name().equals(type)).findFirst().orElseThrow());
            model.addAttribute("typeForm", form);
            model.addAttribute("errors", FormErrors.of(e, TYPE_FIELDS));
            model.addAttribute("history", history(name, type));
            return Views.of(request, "topics/type", "fragments/topics :: editTypeForm");
        }
    }

    /** One schema version as the type page lists it: the version and what changed from the one before. */
    record SchemaChange(SchemaVersionView version, List<AuditDiff.Row> diff) {
    }

    /** The type's schema versions, newest first, each with its field-by-field diff from the previous one. */
    private List<SchemaChange> history(String topic, String type) {
        List<SchemaVersionView> versions = topics.schemaVersions(topic, type);
        List<SchemaChange> out = new ArrayList<>();
        for (int i = versions.size() - 1; i >= 0; i--) {
            String before = i == 0 ? null : versions.get(i - 1).jsonSchema();
            out.add(new SchemaChange(versions.get(i), AuditDiff.rows(json, before, versions.get(i).jsonSchema())));
        }
        return out;
    }

    @GetMapping("/{name}/types/{type}/delete")
    String confirmDeleteType(@PathVariable String name, @PathVariable String type, Caller caller,
                             HttpServletRequest request, Model model) {
        caller.requireWrite();
        model.addAttribute("topic", topics.get(name, false));
        model.addAttribute("typeName", type);
        return Views.of(request, "topics/delete-type", "fragments/topics :: deleteType");
    }

    @PostMapping("/{name}/types/{type}/delete")
    String deleteType(@PathVariable String name, @PathVariable String type, Caller caller,
                      HttpServletRequest request, HttpServletResponse response, Model model) {
        try {
            topics.deleteType(caller, name, type);
        } catch (ConflictException e) {
            response.setStatus(409);
            model.addAttribute("topic", topics.get(name, false));
            model.addAttribute("typeName", type);
            model.addAttribute("deleteError", e.getMessage());
            return Views.of(request, "topics/delete-type", "fragments/topics :: deleteType");
        }
        return Views.redirect(request, response, Views.path("topics", name), "Type " + type + " deleted.");
    }

    static int statusOf(HeraldException e) {
        return e instanceof KafkaUnavailableException ? 503 : e instanceof ConflictException ? 409 : 422;
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    static String trim(String s) {
        return s == null ? null : s.strip();
    }
}
