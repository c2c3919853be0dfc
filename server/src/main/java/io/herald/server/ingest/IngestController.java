package io.herald.server.ingest;

import io.cloudevents.CloudEvent;
import io.herald.server.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/topics/{topic}/events}: one CloudEvent (binary or structured mode, or a plain
 * body with {@code ?type=}) answered 201 once Kafka acknowledged it, or a batch answered 207 with
 * each item's status. {@code Herald-Delay} / {@code Herald-Deliver-At} hold the events until due.
 */
@RestController
class IngestController {

    private final IngestService ingest;
    private final IngestProperties props;

    IngestController(IngestService ingest, IngestProperties props) {
        this.ingest = ingest;
        this.props = props;
    }

    @PostMapping("/api/v1/topics/{topic}/events")
    ResponseEntity<?> post(@PathVariable String topic, Caller caller, HttpServletRequest request,
                           @RequestParam(required = false) String type, @RequestParam(required = false) String key,
                           @RequestHeader(name = "Herald-Delay", required = false) String delay,
                           @RequestHeader(name = "Herald-Deliver-At", required = false) String deliverAt,
                           @RequestHeader(name = "Herald-Delay-Id", required = false) String delayId) throws IOException {
        String contentType = request.getContentType();
        IngestService.Due due = ingest.due(delay, deliverAt, delayId);
        if (IncomingEvents.isBatch(contentType)) {
            if (delayId != null) {
                throw new io.herald.server.common.ValidationException("Herald-Delay-Id",
                        "does not apply to a batch: each delayed event is cancelled by its own id");
            }
            byte[] body = body(request, props.maxBatchSize().toBytes(), "herald.ingest.max-batch-size");
            List<IngestService.BatchItem> items = ingest.publishBatch(caller, topic,
                    IncomingEvents.batch(body, props.maxBatchEvents()), due);
            return ResponseEntity.status(HttpStatus.MULTI_STATUS).contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("items", items));
        }
        // a structured event carries its JSON envelope around the data: allow for it beyond the data limit
        byte[] body = body(request, props.maxEventSize().toBytes() + 64 * 1024, "herald.ingest.max-event-size");
        CloudEvent event = IncomingEvents.single(headers(request), body, type, key);
        String prefix = contentType != null && contentType.startsWith(IncomingEvents.STRUCTURED) ? "" : "ce-";
        IngestService.EventResult result = ingest.publishOne(caller, topic, event, due, prefix);
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(HttpStatus.CREATED);
        if (result.delayId() != null) {
            answer.location(URI.create("/api/v1/delayed/" + URLEncoder.encode(result.delayId(), StandardCharsets.UTF_8)));
        }
        return answer.contentType(MediaType.APPLICATION_JSON).body(result);
    }

    private static Map<String, String> headers(HttpServletRequest request) {
        Map<String, String> out = new HashMap<>();
        Enumeration<String> names = request.getHeaderNames();
        while (names.hasMoreElements()) {
            String name = names.nextElement();
            out.put(name, request.getHeader(name));
        }
        return out;
    }

    /** Reads the body, refusing (413) as soon as it passes the limit rather than buffering all of it. */
    private static byte[] body(HttpServletRequest request, long limit, String setting) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            throw tooLarge(declared, limit, setting);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                throw tooLarge(body.length, limit, setting);
            }
            return body;
        }
    }

    private static IngestException tooLarge(long size, long limit, String setting) {
        return new IngestException(HttpStatus.CONTENT_TOO_LARGE, "Event too large",
                "The request body has " + size + " bytes; at most " + limit + " are accepted (" + setting + ")", "data");
    }
}
