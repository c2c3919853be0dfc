package io.herald.server.console;

import io.herald.server.catalog.TopicSettings;
import io.herald.server.catalog.TopicSettingsView;
import io.herald.server.common.ConflictException;
import io.herald.server.common.KafkaUnavailableException;
import io.herald.server.common.ValidationException;
import io.herald.server.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * A topic's Kafka settings on its page: every config Kafka reports, which are defaults and which are
 * set on the topic, drift against the catalog, and a form for the common ones (an empty field returns
 * the setting to the broker's default).
 */
@Controller
@RequestMapping("/topics/{name}/settings")
class TopicSettingsPages {

    private final TopicSettings settings;

    TopicSettingsPages(TopicSettings settings) {
        this.settings = settings;
    }

    @GetMapping
    String show(@PathVariable String name, HttpServletRequest request, Model model) {
        TopicSettingsView view = settings.settings(name);
        model.addAttribute("settings", view);
        model.addAttribute("settingsForm", form(view));
        model.addAttribute("settingsErrors", FormErrors.none());
        return Views.of(request, "topics/settings", "fragments/topic-settings :: panel");
    }

    @PostMapping
    String update(@PathVariable String name, @RequestParam Map<String, String> params, Caller caller,
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        caller.requireWrite();
        TopicSettingsView current = settings.settings(name);
        Map<String, String> typed = new LinkedHashMap<>();
        Map<String, String> changes = new LinkedHashMap<>();
        for (String s : TopicSettings.EDITABLE) {
            String value = TopicPages.blankToNull(params.get(s));
            typed.put(s, value == null ? "" : value);
            String catalog = current.get(s).catalogValue();
            if (value == null ? catalog != null : catalog == null || !value.equalsIgnoreCase(catalog)) {
                changes.put(s, value);
            }
        }
        if (changes.isEmpty()) {
            return panel(request, model, current, typed, FormErrors.none(), "No setting changed.");
        }
        try {
            TopicSettingsView after = settings.update(caller, name, changes);
            if (!Views.htmx(request)) {
                return Views.redirect(request, response, Views.path("topics", name), "Settings of " + name + " saved.");
            }
            return panel(request, model, after, form(after), FormErrors.none(), "Settings saved: " + String.join(", ", changes.keySet()) + ".");
        } catch (ValidationException | ConflictException | KafkaUnavailableException e) {
            response.setStatus(TopicPages.statusOf(e));
            return panel(request, model, current, typed, FormErrors.of(e, TopicSettings.EDITABLE), null);
        }
    }

    private static String panel(HttpServletRequest request, Model model, TopicSettingsView view, Map<String, String> form,
                                FormErrors errors, String notice) {
        model.addAttribute("settings", view);
        model.addAttribute("settingsForm", form);
        model.addAttribute("settingsErrors", errors);
        model.addAttribute("settingsNotice", notice);
        return Views.of(request, "topics/settings", "fragments/topic-settings :: panel");
    }

    /** The form's values: what the catalog holds (empty: the broker's default). */
    static Map<String, String> form(TopicSettingsView view) {
        Map<String, String> form = new LinkedHashMap<>();
        for (TopicSettingsView.Setting s : view.editable()) {
            form.put(s.name(), s.catalogValue() == null ? "" : s.catalogValue());
        }
        return form;
    }
}
