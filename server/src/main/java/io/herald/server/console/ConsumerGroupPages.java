package io.herald.server.console;

import io.herald.server.cluster.ConsumerGroups;
import io.herald.server.common.ConflictException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.TimeInput;
import io.herald.server.common.ValidationException;
import io.herald.server.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Consumer groups in the console: every group of the cluster with state, members and lag per topic;
 * a group's page with its members, their partitions and the lag per partition (refreshed live), and
 * for editors resetting the group's offsets on one topic and deleting an empty group. Both go through
 * the same service calls as the API ({@code /api/v1/consumer-groups}): the same checks, messages and
 * audit entries. Kafka refuses both while the group has members; the page then says so beside the
 * form and links to Replay.
 */
@Controller
@RequestMapping("/consumer-groups")
class ConsumerGroupPages {

    private static final List<String> RESET_FIELDS = List.of("topic", "to", "time", "offset", "partition");
    private final ConsumerGroups groups;

    ConsumerGroupPages(ConsumerGroups groups) {
        this.groups = groups;
    }

    /** The reset form's values as typed. */
    record ResetForm(String topic, String to, String time, String offset, String partition) {
        static ResetForm empty(String topic) {
            return new ResetForm(topic, "EARLIEST", "", "", "");
        }
    }

    @GetMapping
    String list(HttpServletRequest request, Model model, @RequestParam(required = false) String q,
                @RequestParam(required = false) String state, @RequestParam(defaultValue = "0") int page) {
        String query = q == null ? "" : q.strip();
        String st = state == null ? "" : state.strip();
        model.addAttribute("result", groups.list(query, st, page, ConsumerGroups.PAGE_SIZE));
        model.addAttribute("q", query);
        model.addAttribute("state", st);
        model.addAttribute("states", List.of("STABLE", "EMPTY", "PREPARING_REBALANCE", "COMPLETING_REBALANCE", "RECONCILING",
                "ASSIGNING", "DEAD"));
        return Views.of(request, "groups/list", "fragments/groups :: list");
    }

    @GetMapping("/{name}")
    String detail(@PathVariable String name, HttpServletRequest request, Model model) {
        ConsumerGroups.GroupDetail g = groups.detail(name);
        detailModel(model, g, ResetForm.empty(g.topics().isEmpty() ? "" : g.topics().get(0).topic()));
        return Views.of(request, "groups/detail", "fragments/groups :: detail");
    }

    /** Members and lag per partition; the group page polls it. */
    @GetMapping("/{name}/live")
    String live(@PathVariable String name, Model model) {
        try {
            model.addAttribute("g", groups.detail(name));
        } catch (NotFoundException e) {
            model.addAttribute("gone", name);
        }
        model.addAttribute("name", name);
        return "fragments/groups :: live";
    }

    @PostMapping("/{name}/reset")
    String reset(@PathVariable String name, @RequestParam(required = false) String topic, @RequestParam(required = false) String to,
                 @RequestParam(required = false) String time, @RequestParam(required = false) String offset,
                 @RequestParam(required = false) String partition, Caller caller, HttpServletRequest request,
                 HttpServletResponse response, Model model) {
        ResetForm form = new ResetForm(topic, to, time, offset, partition);
        FormErrors errors = FormErrors.none();
        Instant at = TimeInput.CONSOLE_UTC.read("time", time, errors::field);
        Long off = number("offset", offset, errors);
        Long part = number("partition", partition, errors);
        if (!errors.isEmpty()) {
            return refused(name, form, errors, null, 422, caller, request, response, model);
        }
        ConsumerGroups.OffsetResetResult r;
        try {
            r = groups.reset(caller, name, new ConsumerGroups.OffsetResetRequest(topic, to,
                    at == null ? null : String.valueOf(at.toEpochMilli()), off, part == null ? null : part.intValue()));
        } catch (ValidationException e) {
            return refused(name, form, FormErrors.of(e, RESET_FIELDS), null, 422, caller, request, response, model);
        } catch (ConflictException e) {
            return refused(name, form, FormErrors.none(), e.getMessage(), 409, caller, request, response, model);
        }
        long moved = r.partitions().size();
        return Views.redirect(request, response, Views.path("consumer-groups", name), "Reset group " + name + " on "
                + r.topic() + " to " + r.to() + ": " + moved + " partition" + (moved == 1 ? "" : "s") + " moved.");
    }

    @PostMapping("/{name}/delete")
    String delete(@PathVariable String name, Caller caller, HttpServletRequest request, HttpServletResponse response, Model model) {
        try {
            groups.delete(caller, name);
        } catch (ConflictException e) {
            response.setStatus(409);
            ConsumerGroups.GroupDetail g = groups.detail(name);
            detailModel(model, g, ResetForm.empty(g.topics().isEmpty() ? "" : g.topics().get(0).topic()));
            model.addAttribute("deleteError", e.getMessage());
            return Views.of(request, "groups/detail", "fragments/groups :: detail");
        }
        return Views.redirect(request, response, "/consumer-groups", "Deleted consumer group " + name + ".");
    }

    private String refused(String name, ResetForm form, FormErrors errors, String conflict, int status, Caller caller,
                           HttpServletRequest request, HttpServletResponse response, Model model) {
        response.setStatus(status);
        detailModel(model, groups.detail(name), form);
        model.addAttribute("errors", errors);
        model.addAttribute("resetConflict", conflict);
        return Views.of(request, "groups/detail", "fragments/groups :: detail");
    }

    private static void detailModel(Model model, ConsumerGroups.GroupDetail g, ResetForm form) {
        model.addAttribute("g", g);
        model.addAttribute("name", g.group());
        model.addAttribute("form", form);
        model.addAttribute("targets", List.of("EARLIEST", "LATEST", "TIME", "OFFSET"));
        Set<String> topics = new LinkedHashSet<>();
        g.topics().forEach(t -> topics.add(t.topic()));
        g.bindings().forEach(b -> topics.add(b.topic()));
        g.partitions().forEach(p -> topics.add(p.topic()));
        model.addAttribute("topics", List.copyOf(topics));
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", FormErrors.none());
        }
    }

    private static Long number(String field, String value, FormErrors errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            errors.field(field, "must be a whole number");
            return null;
        }
    }
}
