package io.herald.server.search;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records as JSON Lines, one object a line: {@code topic}, {@code partition}, {@code offset}, {@code timestamp},
 * {@code key}, {@code headers} (a list of name and value, as Kafka allows a name twice) and {@code payload}.
 * Text that is not UTF-8 is written base64 under {@code keyBase64}, {@code base64} or {@code payloadBase64};
 * {@code truncated} marks a payload cut at 64 KiB.
 */
public final class HitLines {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HitLines() {
    }

    /** A record as one line's object. */
    public static Map<String, Object> line(String topic, SearchHit h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("topic", topic);
        m.put("partition", h.partition());
        m.put("offset", h.offset());
        m.put("timestamp", Instant.ofEpochMilli(h.timestamp()).toString());
        text(m, "key", "keyBase64", h.key());
        List<Map<String, Object>> headers = new ArrayList<>();
        for (SearchHit.Header header : h.headers()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", header.name());
            text(one, "value", "base64", header.value());
            headers.add(one);
        }
        m.put("headers", headers);
        text(m, "payload", "payloadBase64", h.value());
        if (h.truncated()) {
            m.put("truncated", true);
        }
        return m;
    }

    /** Writes an object and a newline. */
    public static void write(OutputStream out, Object line) throws IOException {
        out.write(JSON.writeValueAsBytes(line));
        out.write('\n');
    }

    private static void text(Map<String, Object> m, String name, String base64Name, byte[] bytes) {
        if (bytes == null) {
            m.put(name, null);
            return;
        }
        try {
            m.put(name, StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            m.put(base64Name, Base64.getEncoder().encodeToString(bytes));
        }
    }
}
