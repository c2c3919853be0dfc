package io.herald.server.console;

import io.herald.server.audit.Auditor;
import io.herald.server.common.ConflictException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.ValidationException;
import io.herald.server.common.Violations;
import io.herald.server.security.Caller;
import io.herald.server.security.ConsoleUsers;
import io.herald.server.security.ConsoleUsers.UserRow;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * Console users, for admins only (the security chain guards {@code /users/**}; the role is checked
 * here again): create with a role and the message-view permission, change role, permission,
 * password, or disable. A role, permission or enabled change applies to the user's live sessions at their next
 * request (see the security package's ConsoleSessionCheck); a new password applies at the next sign-in.
 */
@Controller
@RequestMapping("/users")
class UserPages {

    static final int MIN_PASSWORD = 10;
    private static final Pattern USERNAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._@-]{0,99}");
    private static final List<String> ROLES = List.of("ADMIN", "EDITOR", "VIEWER");
    private static final List<String> FIELDS = List.of("username", "password", "role", "messageView", "enabled");

    private final ConsoleUsers users;
    private final Auditor auditor;

    UserPages(ConsoleUsers users, Auditor auditor) {
        this.users = users;
        this.auditor = auditor;
    }

    @GetMapping
    String list(HttpServletRequest request, Model model) {
        requireAdmin();
        return listPage(request, model, new UserForm(), FormErrors.none(), "list");
    }

    private String listPage(HttpServletRequest request, Model model, UserForm form, FormErrors errors, String fragment) {
        model.addAttribute("users", users.list());
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("roles", ROLES);
        return Views.of(request, "users/list", "fragments/users :: " + fragment);
    }

    @PostMapping
    @Transactional
    String create(@ModelAttribute("form") UserForm form, Caller caller, HttpServletRequest request,
                  HttpServletResponse response, Model model) {
        requireAdmin();
        String username = form.getUsername() == null ? null : form.getUsername().strip();
        String role = role(form.getRole());
        try {
            Violations v = new Violations();
            if (username == null || !USERNAME.matcher(username).matches()) {
                v.add("username", "must start with a letter or digit and contain only letters, digits, '.', '_', '@' and '-' (at most 100)");
            }
            password(v, form.getPassword(), true);
            if (role == null) {
                v.add("role", "must be ADMIN, EDITOR or VIEWER");
            }
            v.throwIfAny();
            if (users.find(username).isPresent()) {
                throw new ConflictException("User '" + username + "' already exists", "username");
            }
            try {
                users.create(username, form.getPassword(), role, form.isMessageView());
            } catch (DuplicateKeyException e) {
                throw new ConflictException("User '" + username + "' already exists", "username");
            }
            auditor.record(caller, "create", "console-user", username, null, audited(username, role, form.isMessageView(), true));
            return Views.redirect(request, response, "/users", "User " + username + " created.");
        } catch (ValidationException | ConflictException e) {
            response.setStatus(TopicPages.statusOf(e));
            form.setPassword(null);
            return listPage(request, model, form, FormErrors.of(e, FIELDS), "createForm");
        }
    }

    @GetMapping("/{username}/edit")
    String edit(@PathVariable String username, HttpServletRequest request, Model model) {
        requireAdmin();
        UserRow user = find(username);
        UserForm form = new UserForm();
        form.setRole(user.role());
        form.setMessageView(user.messageView());
        form.setEnabled(user.enabled());
        model.addAttribute("user", user);
        model.addAttribute("form", form);
        model.addAttribute("errors", FormErrors.none());
        model.addAttribute("roles", ROLES);
        return Views.of(request, "users/edit", "fragments/users :: edit");
    }

    @PostMapping("/{username}")
    @Transactional
    String update(@PathVariable String username, @ModelAttribute("form") UserForm form, Caller caller,
                  HttpServletRequest request, HttpServletResponse response, Model model) {
        Me me = requireAdmin();
        UserRow before = find(username);
        String role = role(form.getRole());
        try {
            Violations v = new Violations();
            if (role == null) {
                v.add("role", "must be ADMIN, EDITOR or VIEWER");
            }
            boolean newPassword = form.getPassword() != null && !form.getPassword().isEmpty();
            if (newPassword) {
                password(v, form.getPassword(), false);
            }
            if (username.equals(me.name()) && (!"ADMIN".equals(role) || !form.isEnabled())) {
                v.add("role", "you cannot take away your own admin role or disable yourself; ask another admin");
            }
            v.throwIfAny();
            users.update(username, role, form.isMessageView(), form.isEnabled());
            if (newPassword) {
                users.setPassword(username, form.getPassword());
            }
            Map<String, Object> after = audited(username, role, form.isMessageView(), form.isEnabled());
            if (newPassword) {
                after.put("password", "changed");
            }
            auditor.record(caller, "update", "console-user", username,
                    audited(username, before.role(), before.messageView(), before.enabled()), after);
            return Views.redirect(request, response, "/users", "User " + username + " saved. Role and status apply to their open sessions at once.");
        } catch (ValidationException e) {
            response.setStatus(422);
            form.setPassword(null);
            model.addAttribute("user", before);
            model.addAttribute("errors", FormErrors.of(e, FIELDS));
            model.addAttribute("roles", ROLES);
            return Views.of(request, "users/edit", "fragments/users :: editForm");
        }
    }

    private UserRow find(String username) {
        return users.find(username).orElseThrow(() -> new NotFoundException("User", username));
    }

    private static Map<String, Object> audited(String username, String role, boolean messageView, boolean enabled) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("username", username);
        m.put("role", role);
        m.put("messageView", messageView);
        m.put("enabled", enabled);
        return m;
    }

    private static void password(Violations v, String password, boolean required) {
        if (password == null || password.isEmpty()) {
            if (required) {
                v.add("password", "is required");
            }
        } else if (password.length() < MIN_PASSWORD) {
            v.add("password", "must be at least " + MIN_PASSWORD + " characters");
        } else if (password.length() > 200) {
            v.add("password", "must be at most 200 characters");
        }
    }

    private static String role(String role) {
        if (role == null) {
            return null;
        }
        String r = role.strip().toUpperCase(Locale.ROOT);
        return ROLES.contains(r) ? r : null;
    }

    /** The security chain already limits /users to admins; this keeps the page safe if that rule ever changes. */
    private static Me requireAdmin() {
        Me me = ConsoleAdvice.current();
        if (me == null || !me.admin()) {
            throw new io.herald.server.common.ForbiddenException("Only an admin may manage console users");
        }
        return me;
    }
}
