package io.herald.server.common;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses, ahead of everything else, request parameters Herald could only mishandle: a malformed
 * {@code %} escape or invalid UTF-8 (Tomcat throws on the first {@code getParameter}, which was
 * answered 500), and a NUL or other control character (PostgreSQL cannot store or compare text
 * holding NUL). The answer is 400 problem+json naming the parameter. Tabs and line breaks stay
 * allowed (a console form's text areas send them).
 */
@Component
// after the character-encoding filter (a form is decoded as UTF-8), before HTTP ingestion (IngestWebConfig.ORDER)
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class InputGuard extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(InputGuard.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String[] refused = query(request.getQueryString());
        if (refused == null && form(request)) {
            refused = formBody(request);
        }
        if (refused != null) {
            log.debug("{} {}: refused parameter {}: {}", request.getMethod(), request.getRequestURI(), refused[0], refused[1]);
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("type", "about:blank");
            problem.put("title", "Malformed request");
            problem.put("status", 400);
            problem.put("detail", refused[1]);
            problem.put("instance", request.getRequestURI());
            if (refused[0] != null) {
                problem.put("field", refused[0]);
                problem.put("errors", List.of(Map.of("field", refused[0], "message", refused[1])));
            }
            response.setStatus(400);
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write(JSON.writeValueAsString(problem));
            return;
        }
        chain.doFilter(request, response);
    }

    /** A console form post (the API takes JSON; ingestion reads its body itself and is left alone). */
    private static boolean form(HttpServletRequest request) {
        String type = request.getContentType();
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")
                && !request.getRequestURI().startsWith("/api/");
    }

    private static String[] formBody(HttpServletRequest request) {
        try {
            for (Map.Entry<String, String[]> e : request.getParameterMap().entrySet()) {
                String[] bad = controls(e.getKey(), e.getKey());
                for (String value : e.getValue()) {
                    bad = bad != null ? bad : controls(e.getKey(), value);
                }
                if (bad != null) {
                    return bad;
                }
            }
            return null;
        } catch (IllegalStateException | IllegalArgumentException e) {
            // Tomcat's InvalidParameterException: a broken %-escape or a malformed body
            return new String[] {null, "The form is not correctly encoded (a '%' must start an escape such as %20)"};
        }
    }

    /** The first parameter of the query string that cannot be decoded or holds a control character, or null. */
    static String[] query(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            if (rawName.isEmpty() && !pair.isEmpty()) {
                // Tomcat throws on such a chunk (InvalidParameterException) when any parameter is read
                return new String[] {null, "A parameter has no name ('" + pair + "'): give it one, as in 'name=value'"};
            }
            String name = decode(rawName);
            if (name == null) {
                return new String[] {null, "A parameter name is not correctly %-encoded"};
            }
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (value == null) {
                return new String[] {name, "Parameter '" + name + "' is not correctly %-encoded"};
            }
            String[] bad = controls(name, name);
            if (bad == null) {
                bad = controls(name, value);
            }
            if (bad != null) {
                return bad;
            }
        }
        return null;
    }

    private static String[] controls(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                String shown = controlsFree(name);
                return new String[] {shown, "Parameter '" + shown + "' holds a control character (such as NUL), which Herald does not accept"};
            }
        }
        return null;
    }

    private static String controlsFree(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }

    /** Strict form decoding: every '%' starts two hex digits, the bytes are UTF-8; null otherwise. */
    static String decode(String s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
