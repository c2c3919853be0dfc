package io.herald.sdk.internal.codec;

import io.herald.sdk.wire.HeraldHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/** Building and reading the CloudEvents binary-mode headers of DESIGN.md's wire format. */
public final class WireHeaders {

    public static final String JSON = "application/json";
    public static final String TEXT = "text/plain; charset=utf-8";
    public static final String BINARY = "application/octet-stream";

    public static final Header SPEC_VERSION = header(HeraldHeaders.CE_SPECVERSION, HeraldHeaders.SPEC_VERSION);
    public static final Header CONTENT_JSON = header(HeraldHeaders.CONTENT_TYPE, JSON);
    public static final Header CONTENT_TEXT = header(HeraldHeaders.CONTENT_TYPE, TEXT);
    public static final Header CONTENT_BINARY = header(HeraldHeaders.CONTENT_TYPE, BINARY);

    /** ce_time changes once per millisecond while sends come far faster: format it once per millisecond. */
    private static volatile TimeHeader lastTime = new TimeHeader(0, header(HeraldHeaders.CE_TIME, Instant.EPOCH.toString()));

    private record TimeHeader(long millis, Header header) {
    }

    private WireHeaders() {
    }

    public static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    public static Header time(long epochMillis) {
        TimeHeader last = lastTime;
        if (last.millis == epochMillis) {
            return last.header;
        }
        Header h = header(HeraldHeaders.CE_TIME, Instant.ofEpochMilli(epochMillis).toString());
        lastTime = new TimeHeader(epochMillis, h);
        return h;
    }

    /** The last value of a header as UTF-8 text, or {@code null}. */
    public static String text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** ce_time, or {@code null} when absent or malformed (a malformed time is not worth losing the message for). */
    public static Instant time(Headers headers) {
        String text = text(headers, HeraldHeaders.CE_TIME);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
