package io.herald.server.console;

import io.herald.server.catalog.AppService;
import io.herald.server.common.ConflictException;
import io.herald.server.common.ForbiddenException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.ValidationException;
import io.herald.server.schedule.ScheduleService;
import io.herald.server.schedule.ScheduleView;
import io.herald.server.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * Creating and editing schedules in the console (the schedule feature's own pages list them and
 * show one with its next fire times and history). Validation is the schedule service's, shown
 * beside the fields; every change is audited by the service.
 */
@Controller
@RequestMapping("/schedules")
class ScheduleForms {

    static final List<String> FIELDS = List.of("app", "name", "description", "timing", "cron", "fixedRateMillis", "timeZone",
            "startAt", "endAt", "maxCount", "topic", "type", "key", "contentType", "payload", "misfirePolicy", "paused");

    private final ScheduleService schedules;
    private final AppService apps;

    ScheduleForms(ScheduleService schedules, AppService apps) {
        this.schedules = schedules;
        this.apps = apps;
    }

    @GetMapping("/new")
    String create(Caller caller, HttpServletRequest request, Model model) {
        caller.requireWrite();
        model.addAttribute("form", new ScheduleForm());
        return form(null, FormErrors.none(), caller, request, model, false);
    }

    @PostMapping
    String created(@ModelAttribute("form") ScheduleForm form, BindingResult binding, Caller caller, HttpServletRequest request,
                   HttpServletResponse response, Model model) {
        FormErrors errors;
        if (binding.hasErrors()) {
            errors = FormErrors.binding(binding);
            response.setStatus(422);
        } else {
            try {
                ScheduleView s = schedules.create(caller, form.request(true));
                return Views.redirect(request, response, Views.path("schedules", s.id()), "Schedule created.");
            } catch (ValidationException | ConflictException | NotFoundException | ForbiddenException e) {
                errors = FormErrors.of(e, FIELDS);
                response.setStatus(TopicPages.statusOf(e));
            }
        }
        return form(null, errors, caller, request, model, true);
    }

    @GetMapping("/{id}/edit")
    String edit(@PathVariable long id, Caller caller, HttpServletRequest request, Model model) {
        caller.requireWrite();
        ScheduleView s = schedules.get(caller, id);
        model.addAttribute("form", ScheduleForm.of(s));
        return form(s, FormErrors.none(), caller, request, model, false);
    }

    @PostMapping("/{id}")
    String update(@PathVariable long id, @ModelAttribute("form") ScheduleForm form, BindingResult binding, Caller caller,
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        ScheduleView s = schedules.get(caller, id);
        FormErrors errors;
        if (binding.hasErrors()) {
            errors = FormErrors.binding(binding);
            response.setStatus(422);
        } else {
            try {
                schedules.replace(caller, id, form.request(false));
                return Views.redirect(request, response, Views.path("schedules", id), "Schedule saved.");
            } catch (ValidationException | ConflictException | NotFoundException | ForbiddenException e) {
                errors = FormErrors.of(e, FIELDS);
                response.setStatus(TopicPages.statusOf(e));
            }
        }
        return form(s, errors, caller, request, model, true);
    }

    @PostMapping("/{id}/delete")
    String delete(@PathVariable long id, Caller caller, HttpServletRequest request, HttpServletResponse response) {
        ScheduleView s = schedules.get(caller, id);
        schedules.delete(caller, id);
        return Views.redirect(request, response, "/schedules", "Schedule '" + s.name() + "' deleted; it fires no more.");
    }

    private String form(ScheduleView s, FormErrors errors, Caller caller, HttpServletRequest request, Model model, boolean submitted) {
        model.addAttribute("s", s);
        model.addAttribute("errors", errors);
        if (s == null) {
            model.addAttribute("apps", apps.list(caller).stream().map(a -> a.name()).toList());
        }
        String fragment = s == null ? "createForm" : "editForm";
        return Views.of(request, s == null ? "schedules/new" : "schedules/edit",
                "fragments/schedule-forms :: " + (submitted ? fragment : (s == null ? "create" : "edit")));
    }
}
