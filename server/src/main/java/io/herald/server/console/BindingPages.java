package io.herald.server.console;

import io.herald.server.catalog.AppService;
import io.herald.server.catalog.AppView;
import io.herald.server.catalog.BindingService;
import io.herald.server.catalog.BindingService.BindingRequest;
import io.herald.server.catalog.BindingView;
import io.herald.server.catalog.MessageTypeView;
import io.herald.server.common.Paging;
import io.herald.server.catalog.ProcessorService;
import io.herald.server.catalog.ProcessorService.ProcessorRequest;
import io.herald.server.catalog.ProcessorView;
import io.herald.server.catalog.TopicService;
import io.herald.server.common.ConflictException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.ValidationException;
import io.herald.server.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Bindings: list, create with a live preview of matching types, edit, pause/resume, delete, add a processor. */
@Controller
@RequestMapping("/bindings")
class BindingPages {

    static final List<String> FIELDS = List.of("app", "group", "topic", "kind", "typePattern", "deliveryLimit", "backoffMillis",
            "backoffMultiplier", "backoffMaxMillis", "expiryMillis", "concurrency", "ratePerSecond", "dedupeWindowMillis",
            "paused");

    private final BindingService bindings;
    private final TopicService topics;
    private final AppService apps;
    private final ProcessorService processors;

    BindingPages(BindingService bindings, TopicService topics, AppService apps, ProcessorService processors) {
        this.bindings = bindings;
        this.topics = topics;
        this.apps = apps;
        this.processors = processors;
    }

    /**
     * Which of a topic's types a binding would receive.
     *
     * @param error why nothing can be previewed (unknown topic, invalid pattern), or null
     */
    record Preview(String topic, String kind, List<String> types, Set<String> matched, String error) {
        public boolean matches(String type) {
            return matched.contains(type);
        }
    }

    @GetMapping
    String list(@RequestParam(required = false) String app, @RequestParam(required = false) String topic,
                @RequestParam(required = false) String group, Caller caller, HttpServletRequest request, Model model) {
        model.addAttribute("bindings", bindings.list(caller, TopicPages.blankToNull(app), TopicPages.blankToNull(topic),
                TopicPages.blankToNull(group)));
        model.addAttribute("withProcessor", processors.list(caller, null).stream().map(ProcessorView::bindingId)
                .collect(java.util.stream.Collectors.toSet()));
        model.addAttribute("app", app == null ? "" : app);
        model.addAttribute("topic", topic == null ? "" : topic);
        model.addAttribute("group", group == null ? "" : group);
        return Views.of(request, "bindings/list", "fragments/bindings :: list");
    }

    // ---- create --------------------------------------------------------------------------------

    /** The form; its fields may come prefilled from the query (links, and the no-JS "Preview" button). */
    @GetMapping("/new")
    String newBinding(@ModelAttribute("form") BindingForm form, BindingResult ignored, Caller caller,
                      HttpServletRequest request, Model model) {
        caller.requireWrite();
        return createForm(request, model, form, FormErrors.none(), caller, "create");
    }

    /** The live preview while typing; for a plain browser request, the form with the preview. */
    @GetMapping("/preview")
    String preview(@ModelAttribute("form") BindingForm form, BindingResult ignored, Caller caller,
                   HttpServletRequest request, Model model) {
        // the role first, for the fragment too: only who may create a binding runs its pattern here
        caller.requireWrite();
        model.addAttribute("preview", preview(form.getTopic(), form.getKind(), form.getTypePattern()));
        if (Views.htmx(request)) {
            return "fragments/bindings :: preview";
        }
        return createForm(request, model, form, FormErrors.none(), caller, "create");
    }

    @PostMapping
    String create(@ModelAttribute("form") BindingForm form, BindingResult binding, Caller caller,
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        if (binding.hasErrors()) {
            response.setStatus(422);
            return createForm(request, model, form, FormErrors.binding(binding), caller, "createForm");
        }
        String kind = upper(form.getKind());
        BindingRequest r = new BindingRequest(TopicPages.blankToNull(form.getApp()), TopicPages.trim(form.getGroup()),
                TopicPages.blankToNull(form.getTopic()), kind, "FANOUT".equals(kind) ? null : form.getTypePattern(),
                form.getDeliveryLimit(), form.getBackoffMillis(), form.getBackoffMultiplier(), form.getBackoffMaxMillis(),
                form.getExpiryMillis(), form.isPaused(), form.getConcurrency(), form.getRatePerSecond(),
                form.getDedupeWindowMillis());
        try {
            BindingView created = bindings.create(caller, r);
            return Views.redirect(request, response, Views.path("bindings", created.id()),
                    "Binding of group " + created.group() + " to " + created.topic() + " created.");
        } catch (ValidationException | ConflictException e) {
            response.setStatus(TopicPages.statusOf(e));
            return createForm(request, model, form, FormErrors.of(e, FIELDS), caller, "createForm");
        } catch (NotFoundException e) {
            if (e.field() == null) {
                throw e;
            }
            response.setStatus(422);
            return createForm(request, model, form, FormErrors.of(e, FIELDS), caller, "createForm");
        } catch (io.herald.server.common.ForbiddenException e) {
            if (e.field() == null) {
                throw e;
            }
            // a RESTRICTED topic that does not grant the app: said under the topic field
            response.setStatus(403);
            return createForm(request, model, form, FormErrors.of(e, FIELDS), caller, "createForm");
        }
    }

    private String createForm(HttpServletRequest request, Model model, BindingForm form, FormErrors errors, Caller caller,
                              String fragment) {
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("apps", apps.list(caller).stream().map(AppView::name).toList());
        model.addAttribute("topicNames", topics.summaries(null, null, Paging.of(0, Paging.MAX_SIZE)).items().stream()
                .map(io.herald.server.catalog.TopicSummary::name).toList());
        if (!model.containsAttribute("preview")) {
            model.addAttribute("preview", preview(form.getTopic(), form.getKind(), form.getTypePattern()));
        }
        return Views.of(request, "bindings/new", "fragments/bindings :: " + fragment);
    }

    Preview preview(String topic, String kind, String pattern) {
        if (topic == null || topic.isBlank()) {
            return null;
        }
        String name = topic.strip();
        try {
            List<String> types = topics.types(name).stream().map(MessageTypeView::name).sorted().toList();
            String k = upper(kind);
            Set<String> matched = new HashSet<>(bindings.preview(name, k, "FANOUT".equals(k) ? null : pattern));
            return new Preview(name, k, types, matched, null);
        } catch (NotFoundException e) {
            return new Preview(name, upper(kind), List.of(), Set.of(), "Topic '" + name + "' does not exist.");
        } catch (ValidationException e) {
            return new Preview(name, upper(kind), List.of(), Set.of(), e.violations().get(0).field() + " " + e.violations().get(0).message());
        }
    }

    // ---- detail, edit ----------------------------------------------------------------------------

    @GetMapping("/{id}")
    String detail(@PathVariable long id, Caller caller, HttpServletRequest request, Model model) {
        BindingView b = bindings.get(caller, id);
        model.addAttribute("b", b);
        model.addAttribute("processor", processorOf(caller, id));
        model.addAttribute("preview", preview(b.topic(), b.kind().name(), b.typePattern()));
        return Views.of(request, "bindings/detail", "fragments/bindings :: detail");
    }

    private Optional<ProcessorView> processorOf(Caller caller, long bindingId) {
        return processors.list(caller, null).stream().filter(p -> p.bindingId() == bindingId).findFirst();
    }

    /** The live preview on the edit page: the topic is the binding's own. */
    @GetMapping("/{id}/preview")
    String previewOf(@PathVariable long id, @RequestParam(required = false) String kind,
                     @RequestParam(required = false) String typePattern, Caller caller, HttpServletRequest request, Model model) {
        // the edit page's preview: as on /bindings/preview, only who may edit the binding runs a pattern here
        caller.requireWrite();
        BindingView b = bindings.get(caller, id);
        if (!Views.htmx(request)) {
            // the preview is a part of the edit page; a browser that opens its address gets the binding's page
            return "redirect:" + Views.path("bindings", id);
        }
        model.addAttribute("preview", preview(b.topic(), kind, typePattern));
        return "fragments/bindings :: preview";
    }

    @GetMapping("/{id}/edit")
    String edit(@PathVariable long id, Caller caller, HttpServletRequest request, Model model) {
        caller.requireWrite();
        BindingView b = bindings.get(caller, id);
        BindingForm form = new BindingForm();
        form.setApp(b.app());
        form.setGroup(b.group());
        form.setTopic(b.topic());
        form.setKind(b.kind().name());
        form.setTypePattern(b.typePattern());
        form.setDeliveryLimit(b.deliveryLimit());
        form.setBackoffMillis(b.backoffMillis());
        form.setBackoffMultiplier(b.backoffMultiplier());
        form.setBackoffMaxMillis(b.backoffMaxMillis());
        form.setExpiryMillis(b.expiryMillis());
        form.setConcurrency(b.concurrency());
        form.setRatePerSecond(b.ratePerSecond());
        form.setDedupeWindowMillis(b.dedupeWindowMillis());
        form.setPaused(b.paused());
        return editForm(request, model, b, form, FormErrors.none(), "edit");
    }

    @PostMapping("/{id}")
    String update(@PathVariable long id, @ModelAttribute("form") BindingForm form, BindingResult binding, Caller caller,
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        BindingView b = bindings.get(caller, id);
        if (binding.hasErrors()) {
            response.setStatus(422);
            return editForm(request, model, b, form, FormErrors.binding(binding), "editForm");
        }
        String kind = upper(form.getKind());
        String pattern = "FANOUT".equals(kind) ? "" : form.getTypePattern() == null ? "" : form.getTypePattern();
        // App, group and topic of a binding never change: they are not taken from the form.
        BindingRequest r = new BindingRequest(null, null, null, kind, pattern, form.getDeliveryLimit(), form.getBackoffMillis(),
                form.getBackoffMultiplier(), form.getBackoffMaxMillis(), form.getExpiryMillis() == null ? 0L : form.getExpiryMillis(),
                null, form.getConcurrency(), form.getRatePerSecond() == null ? 0.0 : form.getRatePerSecond(),
                form.getDedupeWindowMillis() == null ? 0L : form.getDedupeWindowMillis());
        try {
            bindings.update(caller, id, r);
            return Views.redirect(request, response, Views.path("bindings", id), "Binding saved.");
        } catch (ValidationException | ConflictException e) {
            response.setStatus(TopicPages.statusOf(e));
            return editForm(request, model, b, form, FormErrors.of(e, FIELDS), "editForm");
        }
    }

    private String editForm(HttpServletRequest request, Model model, BindingView b, BindingForm form, FormErrors errors,
                            String fragment) {
        model.addAttribute("b", b);
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("preview", preview(b.topic(), form.getKind(), form.getTypePattern()));
        return Views.of(request, "bindings/edit", "fragments/bindings :: " + fragment);
    }

    // ---- pause / resume / delete ------------------------------------------------------------------

    @PostMapping("/{id}/pause")
    String pause(@PathVariable long id, Caller caller, HttpServletRequest request, HttpServletResponse response, Model model) {
        return setPaused(id, true, caller, request, response, model);
    }

    @PostMapping("/{id}/resume")
    String resume(@PathVariable long id, Caller caller, HttpServletRequest request, HttpServletResponse response, Model model) {
        return setPaused(id, false, caller, request, response, model);
    }

    private String setPaused(long id, boolean paused, Caller caller, HttpServletRequest request, HttpServletResponse response,
                             Model model) {
        BindingView b = bindings.update(caller, id, new BindingRequest(null, null, null, null, null, null, null, null, null,
                null, paused, null, null, null));
        if (Views.htmx(request)) {
            // Only the status control changes, wherever it is shown (list row or detail page).
            model.addAttribute("b", b);
            return "fragments/bindings :: status";
        }
        return Views.redirect(request, response, Views.path("bindings", id), paused ? "Binding paused." : "Binding resumed.");
    }

    @GetMapping("/{id}/delete")
    String confirmDelete(@PathVariable long id, Caller caller, HttpServletRequest request, Model model) {
        caller.requireWrite();
        model.addAttribute("b", bindings.get(caller, id));
        model.addAttribute("processor", processorOf(caller, id));
        return Views.of(request, "bindings/delete", "fragments/bindings :: delete");
    }

    @PostMapping("/{id}/delete")
    String delete(@PathVariable long id, Caller caller, HttpServletRequest request, HttpServletResponse response) {
        BindingView b = bindings.get(caller, id);
        bindings.delete(caller, id);
        return Views.redirect(request, response, "/bindings", "Binding of group " + b.group() + " to " + b.topic() + " deleted.");
    }

    // ---- processor of a binding ------------------------------------------------------------------

    @GetMapping("/{id}/processor/new")
    String newProcessor(@PathVariable long id, Caller caller, HttpServletRequest request, Model model) {
        caller.requireWrite();
        model.addAttribute("b", bindings.get(caller, id));
        model.addAttribute("form", new ProcessorForm());
        model.addAttribute("errors", FormErrors.none());
        return Views.of(request, "processors/new", "fragments/processors :: create");
    }

    @PostMapping("/{id}/processor")
    String createProcessor(@PathVariable long id, @ModelAttribute("form") ProcessorForm form, BindingResult binding,
                           Caller caller, HttpServletRequest request, HttpServletResponse response, Model model) {
        BindingView b = bindings.get(caller, id);
        FormErrors errors = null;
        if (binding.hasErrors()) {
            errors = FormErrors.binding(binding);
        } else {
            try {
                ProcessorView p = processors.create(caller, ProcessorPages.request(id, form));
                return Views.redirect(request, response, Views.path("processors", p.id()), "Processor created.");
            } catch (ValidationException | ConflictException e) {
                errors = FormErrors.of(e, ProcessorPages.FIELDS);
                response.setStatus(TopicPages.statusOf(e));
            }
        }
        if (response.getStatus() < 400) {
            response.setStatus(422);
        }
        model.addAttribute("b", b);
        model.addAttribute("errors", errors);
        return Views.of(request, "processors/new", "fragments/processors :: createForm");
    }

    static String upper(String s) {
        return s == null ? null : s.strip().toUpperCase(Locale.ROOT);
    }
}
