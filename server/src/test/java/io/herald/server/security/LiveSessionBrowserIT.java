package io.herald.server.security;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.herald.server.support.BrowserTest;
import io.herald.server.support.Chromium;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Two real browser sessions: an admin (the base class's {@code page}) and an editor. What the admin
 * changes about the editor applies to the editor's open session at their next request, without
 * waiting for them to sign in again.
 */
class LiveSessionBrowserIT extends BrowserTest {

    private static final String PASSWORD = "live-session-secret";
    private static final Pattern LOGIN = Pattern.compile(".*/login(\\?.*)?$");

    @Autowired
    ConsoleUsers users;

    private BrowserContext editorContext;

    @AfterEach
    void closeEditor() {
        if (editorContext != null) {
            editorContext.close();
        }
    }

    @Test
    void demotedEditorIsRefusedTheNextEditAndDisabledUserGoesToLogin() {
        // given an app and an editor signed in with its edit form open
        String app = unique("live");
        assertThat(admin.post("/apps", Map.of("name", app, "owner", "team")).status()).isEqualTo(201);
        String editor = unique("editor");
        users.create(editor, PASSWORD, "EDITOR", false);
        Page ed = signInAs(editor);
        ed.navigate(baseUrl() + "/apps/" + app + "/edit");
        ed.getByLabel("Description").fill("first edit, as editor");
        ed.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save app")).click();
        ed.waitForURL(baseUrl() + "/apps/" + app);
        assertThat(admin.get("/apps/" + app).json().get("description").asString()).isEqualTo("first edit, as editor");
        ed.navigate(baseUrl() + "/apps/" + app + "/edit");
        ed.getByLabel("Description").fill("second edit, after the demotion");

        // when the admin makes them a viewer
        saveUser(editor, "VIEWER", true);

        // then the form that is still open is refused, and nothing changed
        ed.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save app")).click();
        assertThat(ed.getByRole(AriaRole.ALERT)).containsText("Not allowed");
        assertThat(admin.get("/apps/" + app).json().get("description").asString()).isEqualTo("first edit, as editor");
        // and the console offers them no edit any more
        ed.navigate(baseUrl() + "/apps/" + app);
        assertThat(ed.locator("h1")).containsText(app);
        assertThat(ed.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Edit").setExact(true))).hasCount(0);
        assertThat(ed.navigate(baseUrl() + "/apps/" + app + "/edit").status()).isEqualTo(403);

        // when the admin disables them
        saveUser(editor, "VIEWER", false);

        // then their next request goes to the login, and their old session is gone for good
        ed.navigate(baseUrl() + "/apps");
        assertThat(ed).hasURL(LOGIN);
        ed.navigate(baseUrl() + "/apps/" + app);
        assertThat(ed).hasURL(LOGIN);
        // an enabled user again must sign in anew
        saveUser(editor, "EDITOR", true);
        ed.navigate(baseUrl() + "/apps");
        assertThat(ed).hasURL(LOGIN);
    }

    @Test
    void disabledUsersHtmxRequestReloadsToTheLogin() {
        String editor = unique("editor");
        users.create(editor, PASSWORD, "EDITOR", false);
        Page ed = signInAs(editor);
        ed.navigate(baseUrl() + "/apps");

        saveUser(editor, "EDITOR", false);

        // an htmx navigation (the app list's search is one) answers HX-Refresh, and the reload lands on the login
        var r = ed.request().get(baseUrl() + "/apps", com.microsoft.playwright.options.RequestOptions.create()
                .setHeader("HX-Request", "true").setMaxRedirects(0));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headers()).containsEntry("hx-refresh", "true");
        ed.reload();
        assertThat(ed).hasURL(LOGIN);
    }

    /** The admin saves the user's edit form in their own browser session. */
    private void saveUser(String username, String role, boolean enabled) {
        page.navigate(baseUrl() + "/users/" + username + "/edit");
        page.getByLabel(role, new Page.GetByLabelOptions().setExact(true)).check();
        page.getByLabel("Enabled (may sign in)").setChecked(enabled);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save user")).click();
        assertThat(page.getByText("User " + username + " saved.")).isVisible();
    }

    private Page signInAs(String username) {
        editorContext = Chromium.browser().newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
        editorContext.setDefaultTimeout(30_000);
        Page p = editorContext.newPage();
        p.navigate(baseUrl() + "/login");
        p.getByLabel("User name").fill(username);
        p.getByLabel("Password").fill(PASSWORD);
        p.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        p.waitForURL(baseUrl() + "/");
        return p;
    }
}
