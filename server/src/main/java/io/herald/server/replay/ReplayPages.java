package io.herald.server.replay;

import io.herald.server.catalog.BindingService;
import io.herald.server.catalog.BindingView;
import io.herald.server.common.Paging;
import io.herald.server.catalog.TopicService;
import io.herald.server.catalog.TopicView;
import io.herald.server.common.ForbiddenException;
import io.herald.server.common.HeraldException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.TimeInput;
import io.herald.server.common.ValidationException;
import io.herald.server.security.Caller;
import io.herald.server.console.ConsoleFrame;
import io.herald.server.console.FormErrors;
import io.herald.server.console.Views;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The console's replays: the jobs with live progress, a replay form that shows the dry run before it
 * starts anything, cancel, replaying one message from its trace page, and the dead-letter redrive page.
 */
@Controller
@ConsoleFrame
class ReplayPages {


    private final ReplayService replays;
    private final TopicService topics;
    private final BindingService bindings;

    ReplayPages(ReplayService replays, TopicService topics, BindingService bindings) {
        this.replays = replays;
        this.topics = topics;
        this.bindings = bindings;
    }

    /** The replay form as entered; times are UTC text ({@code 2026-01-31 14:00:00}). */
    public static final class ReplayForm {
        private String topic;
        private String from;
        private String to;
        private String type;
        private String key;
        private String target = "group";
        private String group;
        private String rate;

        public String getTopic() {
            return topic;
        }

        public void setTopic(String topic) {
            this.topic = topic;
        }

        public String getFrom() {
            return from;
        }

        public void setFrom(String from) {
            this.from = from;
        }

        public String getTo() {
            return to;
        }

        public void setTo(String to) {
            this.to = to;
        }

        public String getType() {
            return type;
        }

        public void setType(String type) {
            this.type = type;
        }

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }

        public String getTarget() {
            return target;
        }

        public void setTarget(String target) {
            this.target = target;
        }

        public String getGroup() {
            return group;
        }

        public void setGroup(String group) {
            this.group = group;
        }

        public String getRate() {
            return rate;
        }

        public void setRate(String rate) {
            this.rate = rate;
        }

        ReplayRequest toRequest(FormErrors errors, boolean dryRun) {
            String fromIso = iso(errors, "from", from);
            String toIso = iso(errors, "to", to);
            Integer perSecond = null;
            if (rate != null && !rate.isBlank()) {
                try {
                    perSecond = Integer.valueOf(rate.strip());
                } catch (NumberFormatException e) {
                    errors.field("rate", "must be a whole number");
                }
            }
            ReplayTarget t = "topic".equals(target) ? new ReplayTarget(null, true) : new ReplayTarget(group, null);
            return new ReplayRequest(topic == null ? null : topic.strip(), fromIso, toIso, blankToNull(type),
                    key == null || key.isEmpty() ? null : key, t, perSecond, dryRun);
        }
    }

    /** The replay form's fields: a service error on any other field is shown above the form. */
    private static final List<String> FORM_FIELDS = List.of("topic", "from", "to", "type", "key", "group", "rate");

    /** The service's field names as the replay form names them. */
    private static String formField(String field) {
        return switch (field) {
            case "target", "target.group" -> "group";
            case "ratePerSecond" -> "rate";
            default -> field;
        };
    }

    // ------------------------------------------------------------------ jobs

    @GetMapping("/replays")
    String list(Caller caller, HttpServletRequest request, Model model, @RequestParam(required = false) String state,
                @RequestParam(defaultValue = "0") int page) {
        String st = state == null || state.isBlank() || !ReplayService.STATES.contains(state) ? null : state;
        model.addAttribute("jobs", replays.list(caller, st, null, Math.max(0, page), 20));
        model.addAttribute("state", st);
        return Views.of(request, "replays/list", "fragments/replays :: list");
    }

    @GetMapping("/replays/new")
    String newReplay(Caller caller, HttpServletRequest request, Model model, @RequestParam(required = false) String topic,
                     @RequestParam(required = false) String group) {
        caller.requireWrite();
        ReplayForm form = new ReplayForm();
        form.setTopic(topic);
        form.setGroup(group);
        form.setFrom(Views.input(Instant.now().minusSeconds(3600)));
        return form(model, request, form, FormErrors.none(), null, "fragments/replays :: create");
    }

    @PostMapping("/replays/plan")
    String plan(Caller caller, HttpServletRequest request, Model model, @ModelAttribute("form") ReplayForm form) {
        FormErrors errors = FormErrors.none();
        ReplayRequest r = form.toRequest(errors, true);
        ReplayPlan plan = null;
        if (errors.isEmpty()) {
            try {
                plan = replays.plan(caller, r);
            } catch (HeraldException e) {
                errors = FormErrors.of(e, FORM_FIELDS, ReplayPages::formField);
            }
        }
        return form(model, request, form, errors, plan, "fragments/replays :: createForm");
    }

    @PostMapping("/replays")
    String start(Caller caller, HttpServletRequest request, HttpServletResponse response, Model model,
                 @ModelAttribute("form") ReplayForm form) {
        FormErrors errors = FormErrors.none();
        ReplayRequest r = form.toRequest(errors, false);
        if (errors.isEmpty()) {
            try {
                ReplayJobView job = replays.start(caller, r);
                return Views.redirect(request, response, "/replays/" + job.id());
            } catch (ForbiddenException e) {
                throw e;
            } catch (HeraldException e) {
                errors = FormErrors.of(e, FORM_FIELDS, ReplayPages::formField);
            }
        }
        return form(model, request, form, errors, null, "fragments/replays :: create");
    }

    private String form(Model model, HttpServletRequest request, ReplayForm form, FormErrors errors, ReplayPlan plan, String fragment) {
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("plan", plan);
        model.addAttribute("topicNames", topics.list(null, null, Paging.of(0, Paging.MAX_SIZE)).items().stream()
                .map(TopicView::name).toList());
        List<String> groups = new ArrayList<>();
        List<BindingView> bound = bindings.list(Caller.SYSTEM, null, form.getTopic() == null || form.getTopic().isBlank()
                ? null : form.getTopic().strip(), null);
        bound.stream().map(BindingView::group).distinct().sorted().forEach(groups::add);
        model.addAttribute("groupNames", groups);
        return Views.of(request, "replays/new", fragment);
    }

    @GetMapping("/replays/{id}")
    String job(@PathVariable long id, Caller caller, HttpServletRequest request, Model model) {
        model.addAttribute("job", replays.get(caller, id));
        return Views.of(request, "replays/job", "fragments/replays :: job");
    }

    /** The live part of a job's page, polled by htmx while the job runs. */
    @GetMapping("/replays/{id}/progress")
    String progress(@PathVariable long id, Caller caller, HttpServletRequest request, HttpServletResponse response, Model model) {
        if (!Views.htmx(request)) {
            return "redirect:/replays/" + id;
        }
        model.addAttribute("job", replays.get(caller, id));
        return "fragments/replays :: live";
    }

    @PostMapping("/replays/{id}/cancel")
    String cancel(@PathVariable long id, Caller caller, HttpServletRequest request, HttpServletResponse response) {
        try {
            replays.cancel(caller, id);
        } catch (io.herald.server.common.ConflictException e) {
            // finished meanwhile: the page shows how
        }
        return Views.redirect(request, response, "/replays/" + id);
    }

    @PostMapping("/replays/messages/{messageId}")
    String replayMessage(@PathVariable String messageId, @RequestParam String target, Caller caller,
                         HttpServletRequest request, HttpServletResponse response) {
        ReplayTarget t = target.startsWith("group:") ? new ReplayTarget(target.substring(6), null) : new ReplayTarget(null, true);
        ReplayJobView job = replays.startMessage(caller, messageId, new MessageReplayRequest(t, false));
        return Views.redirect(request, response, "/replays/" + job.id());
    }

    // ------------------------------------------------------------------ dead letters

    @GetMapping("/dead-letters")
    String deadLetters(Caller caller, HttpServletRequest request, Model model, @RequestParam(required = false) Long binding,
                       @RequestParam(defaultValue = "100") int limit) {
        List<BindingView> all = bindings.list(Caller.SYSTEM, null, null, null);
        model.addAttribute("bindings", all);
        model.addAttribute("binding", null);
        model.addAttribute("letters", null);
        model.addAttribute("overview", null);
        if (binding == null) {
            model.addAttribute("overview", replays.deadLetterOverview(caller, all));
        } else {
            BindingView b = all.stream().filter(x -> x.id() == binding).findFirst()
                    .orElseThrow(() -> new NotFoundException("Binding", String.valueOf(binding)));
            model.addAttribute("binding", b);
            model.addAttribute("letters", replays.deadLetters(caller, b.topic(), b.group(), Math.min(1000, Math.max(1, limit))));
        }
        return Views.of(request, "replays/dead-letters", "fragments/replays :: deadLetters");
    }

    @PostMapping("/dead-letters/redrive")
    String redrive(Caller caller, HttpServletRequest request, HttpServletResponse response, @RequestParam long binding,
                   @RequestParam(required = false) List<String> records, @RequestParam(defaultValue = "false") boolean all,
                   @RequestParam(required = false) String rate) {
        BindingView b = bindings.get(Caller.SYSTEM, binding);
        List<RedriveRequest.RecordRef> refs = new ArrayList<>();
        if (!all && records != null) {
            for (String r : records) {
                int colon = r.indexOf(':');
                try {
                    refs.add(new RedriveRequest.RecordRef(Integer.valueOf(r.substring(0, colon)), Long.valueOf(r.substring(colon + 1))));
                } catch (RuntimeException e) {
                    throw new ValidationException("records", "'" + r + "' is not partition:offset");
                }
            }
        }
        Integer perSecond = null;
        if (rate != null && !rate.isBlank()) {
            try {
                perSecond = Integer.valueOf(rate.strip());
            } catch (NumberFormatException e) {
                throw new ValidationException("ratePerSecond", "must be a whole number");
            }
        }
        ReplayJobView job = replays.startRedrive(caller, new RedriveRequest(b.topic(), b.group(), all ? null : refs, all, perSecond, false));
        return Views.redirect(request, response, "/replays/" + job.id());
    }

    // ------------------------------------------------------------------ helpers

    private static String iso(FormErrors errors, String field, String value) {
        Instant t = TimeInput.CONSOLE_UTC.read(field, value, errors::field);
        return t == null ? null : t.toString();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
