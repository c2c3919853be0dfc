package io.herald.server.console;

import io.herald.server.catalog.AppService;
import io.herald.server.catalog.AppService.AppRequest;
import io.herald.server.catalog.AppView;
import io.herald.server.catalog.BindingService;
import io.herald.server.catalog.CreatedApp;
import io.herald.server.catalog.IssuedKey;
import io.herald.server.common.Paging;
import io.herald.server.catalog.TopicService;
import io.herald.server.common.ConflictException;
import io.herald.server.common.ValidationException;
import io.herald.server.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/** Apps: list, create (the first API key is shown once), edit, rotate and revoke keys, delete. */
@Controller
@RequestMapping("/apps")
class AppPages {

    private static final List<String> FIELDS = List.of("name", "owner", "description");

    private final AppService apps;
    private final TopicService topics;
    private final BindingService bindings;
    private final ConsoleStats stats;

    AppPages(AppService apps, TopicService topics, BindingService bindings, ConsoleStats stats) {
        this.apps = apps;
        this.topics = topics;
        this.bindings = bindings;
        this.stats = stats;
    }

    @GetMapping
    String list(Caller caller, HttpServletRequest request, Model model) {
        model.addAttribute("apps", apps.list(caller));
        return Views.of(request, "apps/list", "fragments/apps :: list");
    }

    @GetMapping("/new")
    String newApp(Caller caller, HttpServletRequest request, Model model) {
        caller.requireWrite();
        model.addAttribute("form", new AppForm());
        model.addAttribute("errors", FormErrors.none());
        return Views.of(request, "apps/new", "fragments/apps :: create");
    }

    @PostMapping
    String create(@ModelAttribute("form") AppForm form, Caller caller, HttpServletRequest request,
                  HttpServletResponse response, Model model) {
        try {
            CreatedApp created = apps.create(caller, new AppRequest(TopicPages.trim(form.getName()), form.getOwner(),
                    form.getDescription()));
            return Views.redirect(request, response, Views.path("apps", created.app().name()),
                    Map.of("notice", "App " + created.app().name() + " created.", "newKey", created.apiKey()));
        } catch (ValidationException | ConflictException e) {
            response.setStatus(TopicPages.statusOf(e));
            model.addAttribute("errors", FormErrors.of(e, FIELDS));
            return Views.of(request, "apps/new", "fragments/apps :: createForm");
        }
    }

    @GetMapping("/{name}")
    String detail(@PathVariable String name, Caller caller, HttpServletRequest request, Model model) {
        AppView app = apps.get(caller, name);
        model.addAttribute("app", app);
        model.addAttribute("keys", apps.keys(caller, name));
        model.addAttribute("topics", topics.summaries(null, name, Paging.of(0, 100)));
        model.addAttribute("bindings", bindings.list(caller, name, null, null));
        model.addAttribute("instances", stats.instanceSummary(name));
        return Views.of(request, "apps/detail", "fragments/apps :: detail");
    }

    @GetMapping("/{name}/edit")
    String edit(@PathVariable String name, Caller caller, HttpServletRequest request, Model model) {
        caller.requireWrite();
        AppView app = apps.get(caller, name);
        AppForm form = new AppForm();
        form.setOwner(app.owner());
        form.setDescription(app.description());
        model.addAttribute("app", app);
        model.addAttribute("form", form);
        model.addAttribute("errors", FormErrors.none());
        return Views.of(request, "apps/edit", "fragments/apps :: edit");
    }

    @PostMapping("/{name}")
    String update(@PathVariable String name, @ModelAttribute("form") AppForm form, Caller caller,
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        try {
            // The app's name comes from the URL only.
            apps.update(caller, name, new AppRequest(null, form.getOwner() == null ? "" : form.getOwner(),
                    form.getDescription() == null ? "" : form.getDescription()));
            return Views.redirect(request, response, Views.path("apps", name), "App " + name + " saved.");
        } catch (ValidationException | ConflictException e) {
            response.setStatus(TopicPages.statusOf(e));
            model.addAttribute("app", apps.get(caller, name));
            model.addAttribute("errors", FormErrors.of(e, FIELDS));
            return Views.of(request, "apps/edit", "fragments/apps :: editForm");
        }
    }

    /** Issues a new key; earlier keys stay valid until revoked. The key is shown once, on the next page. */
    @PostMapping("/{name}/keys")
    String rotate(@PathVariable String name, Caller caller, HttpServletRequest request, HttpServletResponse response) {
        IssuedKey key = apps.rotateKey(caller, name);
        return Views.redirect(request, response, Views.path("apps", name),
                Map.of("notice", "New API key issued. Earlier keys stay valid until you revoke them.", "newKey", key.apiKey()));
    }

    @GetMapping("/{name}/keys/{id}/revoke")
    String confirmRevoke(@PathVariable String name, @PathVariable long id, Caller caller, HttpServletRequest request, Model model) {
        caller.requireWrite();
        model.addAttribute("app", apps.get(caller, name));
        model.addAttribute("key", apps.keys(caller, name).stream().filter(k -> k.id() == id).findFirst()
                .orElseThrow(() -> new io.herald.server.common.NotFoundException("API key", String.valueOf(id))));
        return Views.of(request, "apps/revoke", "fragments/apps :: revoke");
    }

    @PostMapping("/{name}/keys/{id}/revoke")
    String revoke(@PathVariable String name, @PathVariable long id, Caller caller, HttpServletRequest request,
                  HttpServletResponse response) {
        var key = apps.revokeKey(caller, name, id);
        return Views.redirect(request, response, Views.path("apps", name), "API key " + key.prefix() + " revoked.");
    }

    @GetMapping("/{name}/delete")
    String confirmDelete(@PathVariable String name, Caller caller, HttpServletRequest request, Model model) {
        caller.requireWrite();
        model.addAttribute("app", apps.get(caller, name));
        return Views.of(request, "apps/delete", "fragments/apps :: delete");
    }

    @PostMapping("/{name}/delete")
    String delete(@PathVariable String name, Caller caller, HttpServletRequest request, HttpServletResponse response,
                  Model model) {
        try {
            apps.delete(caller, name);
        } catch (ConflictException e) {
            response.setStatus(409);
            model.addAttribute("app", apps.get(caller, name));
            model.addAttribute("deleteError", e.getMessage());
            return Views.of(request, "apps/delete", "fragments/apps :: delete");
        }
        return Views.redirect(request, response, "/apps", "App " + name + " deleted.");
    }
}
