package io.herald.server.trace;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Helpers of the trace and replay console pages: one URL serves a page or, for htmx, its fragment;
 * after a change a browser is redirected and htmx follows {@code HX-Location}.
 */
public final class ConsoleViews {

    private ConsoleViews() {
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

    /** POST-redirect-GET for a browser; for htmx an {@code HX-Location} loading the page's fragment into {@code #main}. */
    public static String redirect(HttpServletRequest request, HttpServletResponse response, String path) {
        if (request.getHeader("HX-Request") != null) {
            response.setHeader("HX-Location", "{\"path\":\"" + path.replace("\\", "\\\\").replace("\"", "\\\"")
                    + "\",\"target\":\"#main\"}");
            return "fragments/common :: empty";
        }
        return "redirect:" + path;
    }

    /** A path with encoded segments, e.g. {@code path("traces", "messages", id)}. */
    public static String path(Object... segments) {
        UriComponentsBuilder b = UriComponentsBuilder.newInstance();
        for (Object s : segments) {
            b.pathSegment(String.valueOf(s));
        }
        return b.encode().build().toUriString();
    }

    /**
     * A time from a form: {@code <input type="datetime-local">} in UTC, an ISO-8601 time with offset, or
     * epoch milliseconds; null when blank. Throws {@link DateTimeParseException} for anything else.
     */
    public static Instant time(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String s = value.strip();
        if (s.chars().allMatch(Character::isDigit)) {
            return Instant.ofEpochMilli(Long.parseLong(s));
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        }
    }
}
