package io.herald.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A console test in a real browser: each test gets a fresh browser context signed in as {@code admin},
 * confirmation dialogs are accepted, and the test fails if the page's Content-Security-Policy refused
 * anything. What the page wrote to the browser console as warning or error is in {@link #consoleProblems}.
 * Screenshots land in {@link Chromium#SCREENSHOTS}.
 */
public abstract class BrowserTest extends ServerTest {

    protected BrowserContext context;
    protected Page page;
    private final List<String> cspViolations = new CopyOnWriteArrayList<>();
    /** Every warning and error the page wrote to the browser console, and uncaught script errors. */
    protected final List<String> consoleProblems = new CopyOnWriteArrayList<>();

    @BeforeEach
    void signIn() {
        signIn(new Browser.NewContextOptions().setViewportSize(1280, 900));
    }

    /** Starts over in a new browser context with these options (a locale, a time zone, a viewport), signed in as admin. */
    protected void signIn(Browser.NewContextOptions options) {
        if (context != null) {
            context.close();
        }
        context = Chromium.browser().newContext(options);
        context.setDefaultTimeout(30_000);
        page = context.newPage();
        page.onDialog(d -> d.accept());
        Chromium.collectCspViolations(page, cspViolations);
        page.onConsoleMessage(m -> {
            if (m.type().equals("warning") || m.type().equals("error")) {
                consoleProblems.add(m.type() + " on " + page.url() + ": " + m.text());
            }
        });
        page.onPageError(e -> consoleProblems.add("uncaught on " + page.url() + ": " + e));
        page.navigate(baseUrl() + "/login");
        page.getByLabel("User name").fill("admin");
        page.getByLabel("Password").fill(ADMIN_PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        page.waitForURL(baseUrl() + "/");
    }

    @AfterEach
    void closeContext() {
        if (context == null) {
            return; // no browser here: the test was skipped
        }
        context.close();
        assertThat(cspViolations).as("CSP violations").isEmpty();
    }

    /** A full-page screenshot, {@code target/screenshots/<name>.png}. */
    protected void shot(String name) {
        page.waitForLoadState();
        page.screenshot(new Page.ScreenshotOptions().setPath(Chromium.SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }
}
