package io.herald.server.console;

import io.herald.server.common.TimeInput;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.servlet.FlashMap;
import org.springframework.web.servlet.FlashMapManager;
import org.springframework.web.servlet.support.RequestContextUtils;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * One URL serves a whole page or, for an htmx request, only its fragment. Boosted and
 * history-restore requests want whole pages, so only plain {@code HX-Request}s count.
 */
public final class Views {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Views() {
    }

    /** A plain htmx request (boosted and history-restore requests want whole pages). */
    public static boolean htmx(HttpServletRequest request) {
        return request.getHeader("HX-Request") != null && request.getHeader("HX-Boosted") == null
                && request.getHeader("HX-History-Restore-Request") == null;
    }

    /** The page template for a browser, the fragment for htmx. */
    public static String of(HttpServletRequest request, String page, String fragment) {
        return htmx(request) ? fragment : page;
    }

    /** A path with encoded segments, e.g. {@code path("topics", name)}. */
    public static String path(Object... segments) {
        UriComponentsBuilder b = UriComponentsBuilder.newInstance();
        for (Object s : segments) {
            b.pathSegment(String.valueOf(s));
        }
        return b.encode().build().toUriString();
    }

    /**
     * After a successful change: POST-redirect-GET for a browser; for htmx an {@code HX-Location}
     * that loads the target page's fragment into {@code #main}. Flash attributes reach the next page in
     * both cases (a new API key is shown exactly once that way, never in a URL).
     */
    static String redirect(HttpServletRequest request, HttpServletResponse response, String path, Map<String, ?> flash) {
        FlashMap out = RequestContextUtils.getOutputFlashMap(request);
        out.putAll(flash);
        if (request.getHeader("HX-Request") != null) {
            if (!out.isEmpty()) {
                out.setTargetRequestPath(path);
                FlashMapManager manager = RequestContextUtils.getFlashMapManager(request);
                if (manager != null) {
                    manager.saveOutputFlashMap(out, request, response);
                }
            }
            Map<String, String> location = new LinkedHashMap<>();
            location.put("path", path);
            location.put("target", "#main");
            response.setHeader("HX-Location", JSON.writeValueAsString(location));
            return "fragments/common :: empty";
        }
        return "redirect:" + path;
    }

    static String redirect(HttpServletRequest request, HttpServletResponse response, String path, String notice) {
        return redirect(request, response, path, notice == null ? Map.of() : Map.of("notice", notice));
    }

    /** {@link #redirect(HttpServletRequest, HttpServletResponse, String, Map)} without flash attributes. */
    public static String redirect(HttpServletRequest request, HttpServletResponse response, String path) {
        return redirect(request, response, path, Map.of());
    }

    /** How the console writes a time into a form field (UTC unless the field says otherwise): {@link TimeInput#CONSOLE_FORMAT}. */
    public static final DateTimeFormatter INPUT = TimeInput.CONSOLE_FORMAT;

    /** {@link #INPUT} of an instant in UTC; empty for null. */
    public static String input(Instant t) {
        return TimeInput.consoleText(t);
    }
}
