package io.herald.server.common;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.header.writers.CacheControlHeadersWriter;
import org.springframework.security.web.header.writers.HstsHeaderWriter;
import org.springframework.security.web.header.writers.XContentTypeOptionsHeaderWriter;
import org.springframework.security.web.header.writers.XXssProtectionHeaderWriter;
import org.springframework.security.web.header.writers.frameoptions.XFrameOptionsHeaderWriter;

/**
 * The security headers Spring Security's defaults put on every API answer, in the same order, for
 * the answers written before or outside the API's security chain (HTTP ingestion's fast path, a
 * database outage met in a filter).
 */
public final class ApiHeaders {

    private static final List<HeaderWriter> HEADERS = List.of(new XContentTypeOptionsHeaderWriter(),
            new XXssProtectionHeaderWriter(), new CacheControlHeadersWriter(), new HstsHeaderWriter(),
            new XFrameOptionsHeaderWriter(XFrameOptionsHeaderWriter.XFrameOptionsMode.DENY));

    private ApiHeaders() {
    }

    /**
     * Adds the security headers of an API answer (nosniff, no caching, DENY framing, HSTS over TLS);
     * call it after the answer's own headers and before its body, as the chain writes them on commit.
     */
    public static void write(HttpServletRequest request, HttpServletResponse response) {
        for (HeaderWriter writer : HEADERS) {
            writer.writeHeaders(request, response);
        }
    }
}
