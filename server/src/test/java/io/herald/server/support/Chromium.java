package io.herald.server.support;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium driven by Playwright-Java, launched once per test JVM and shared by the browser
 * tests (Playwright's own browser download cannot work here). Set {@code HERALD_CHROMIUM} for another
 * binary; without one the calling test is skipped with the reason. Screenshots go to
 * {@link #SCREENSHOTS}.
 */
public final class Chromium {

    public static final Path SCREENSHOTS = Paths.get("target", "screenshots");

    private static Playwright playwright;
    private static Browser browser;

    private Chromium() {
    }

    /** The shared browser, launched on first use and closed when the JVM ends. */
    public static synchronized Browser browser() {
        if (browser != null) {
            return browser;
        }
        String chromium = System.getenv().getOrDefault("HERALD_CHROMIUM", "/usr/bin/chromium");
        Assumptions.assumeTrue(Files.isExecutable(Paths.get(chromium)),
                "Chromium not found at " + chromium + " (apt-get install chromium, or set HERALD_CHROMIUM)");
        Path home = Paths.get("target", "chromium-home").toAbsolutePath();
        try {
            Files.createDirectories(home);
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1",
                "XDG_CONFIG_HOME", home.resolve("config").toString(), "XDG_CACHE_HOME", home.resolve("cache").toString());
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(env));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(Paths.get(chromium))
                .setHeadless(true).setEnv(env).setArgs(List.of("--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu")));
        Runtime.getRuntime().addShutdownHook(new Thread(Chromium::close, "chromium-close"));
        return browser;
    }

    /** Collects what the page's Content-Security-Policy refused (a console test asserts there was nothing). */
    public static void collectCspViolations(Page page, List<String> into) {
        page.onConsoleMessage(m -> {
            if (m.text().contains("Content Security Policy") || m.text().contains("Refused to")) {
                into.add(m.text());
            }
        });
    }

    private static synchronized void close() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }
}
