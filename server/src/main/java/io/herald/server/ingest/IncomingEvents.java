package io.herald.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.rw.CloudEventRWException;
import io.herald.server.common.HeraldException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;

/**
 * Turns an HTTP request into CloudEvents. Reading is the CloudEvents SDK's: its HTTP binding
 * reads binary mode ({@code ce-*} headers) and structured mode ({@code application/cloudevents+json},
 * through the Jackson JSON format); a batch ({@code application/cloudevents-batch+json}) is split
 * here and each item read by the same JSON format, so one bad item fails only itself. A plain
 * POST without CloudEvents attributes (a webhook that cannot set headers) names its type in the
 * query ({@code ?type=}) and gets a generated id.
 */
final class IncomingEvents {

    static final String STRUCTURED = "application/cloudevents+json";
    static final String BATCH = "application/cloudevents-batch+json";
    private static final Pattern ATTRIBUTE = Pattern.compile("\\b(specversion|id|source|type|time|datacontenttype|dataschema|subject)\\b");
    private static final ObjectMapper BATCH_JSON = new ObjectMapper().registerModule(JsonFormat.getCloudEventJacksonModule());

    /** One event of a request, or why it could not be read. */
    record Item(CloudEvent event, HeraldException error) {
    }

    private IncomingEvents() {
    }

    static boolean isBatch(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(BATCH);
    }

    /** Reads the single event of a binary-mode, structured-mode or plain request. */
    static CloudEvent single(Map<String, String> headers, byte[] body, String plainType, String plainKey) {
        TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
        String contentType = h.get("content-type");
        boolean structured = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(STRUCTURED);
        boolean binary = h.containsKey("ce-specversion");
        if (!structured && !binary) {
            return plain(contentType, body, plainType, plainKey);
        }
        try {
            return HttpMessageFactory.createReader(h, body).toEvent();
        } catch (RuntimeException e) {
            throw unreadable(e, structured ? "" : "ce-");
        }
    }

    /** Reads each item of a batch; an unreadable item becomes an error item. */
    static List<Item> batch(byte[] body, int maxEvents) {
        JsonNode tree;
        try {
            tree = BATCH_JSON.readTree(body);
        } catch (Exception e) {
            throw new IngestException(HttpStatus.BAD_REQUEST, "Malformed batch", "A batch must be a JSON array of CloudEvents: "
                    + e.getMessage(), "body");
        }
        if (tree == null || !tree.isArray()) {
            throw new IngestException(HttpStatus.BAD_REQUEST, "Malformed batch", "A batch must be a JSON array of CloudEvents", "body");
        }
        if (tree.size() > maxEvents) {
            throw new IngestException(HttpStatus.CONTENT_TOO_LARGE, "Batch too large",
                    "A batch may hold at most " + maxEvents + " events (herald.ingest.max-batch-events)", "body");
        }
        List<Item> items = new ArrayList<>(tree.size());
        for (JsonNode node : tree) {
            try {
                if (!node.isObject()) {
                    throw new IngestException(HttpStatus.BAD_REQUEST, "Malformed event", "A batch item must be a JSON object", "body");
                }
                items.add(new Item(BATCH_JSON.treeToValue(node, CloudEvent.class), null));
            } catch (HeraldException e) {
                items.add(new Item(null, e));
            } catch (Exception e) {
                items.add(new Item(null, unreadable(e, "")));
            }
        }
        return items;
    }

    private static CloudEvent plain(String contentType, byte[] body, String type, String key) {
        if (type == null || type.isBlank()) {
            throw new IngestException(HttpStatus.BAD_REQUEST, "Malformed event",
                    "Send a CloudEvent in binary mode (ce-specversion, ce-id, ce-source, ce-type headers), in structured mode ("
                            + STRUCTURED + "), or name the type with ?type= for a plain body", "ce-type");
        }
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(EventIds.next())
                .withSource(URI.create("herald"))
                .withType(type)
                .withTime(OffsetDateTime.now(ZoneOffset.UTC));
        if (key != null && !key.isEmpty()) {
            b.withExtension("partitionkey", key);
        }
        if (body.length > 0) {
            b.withData(contentType == null ? "application/octet-stream" : contentType, body);
        }
        return b.build();
    }

    static IngestException unreadable(Throwable e, String prefix) {
        // the CloudEvents SDK wraps its reason; the innermost message names the attribute
        Throwable inner = e;
        while (inner.getCause() != null && inner.getCause() != inner) {
            inner = inner.getCause();
        }
        boolean syntax = inner instanceof com.fasterxml.jackson.core.exc.StreamReadException;
        String message = inner.getMessage() == null ? inner.toString() : inner.getMessage();
        String field = "body";
        if (!syntax) {
            Matcher m = ATTRIBUTE.matcher(message.toLowerCase(Locale.ROOT));
            if (m.find()) {
                field = prefix + m.group(1);
            } else if (message.contains("Unknown encoding")) {
                field = prefix + "specversion";
            }
        }
        int cut = message.indexOf("\n");
        return new IngestException(HttpStatus.BAD_REQUEST, "Malformed event", "Not a readable CloudEvent: "
                + (cut > 0 ? message.substring(0, cut) : message), field);
    }
}
