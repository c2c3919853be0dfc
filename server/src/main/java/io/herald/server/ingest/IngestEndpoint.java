package io.herald.server.ingest;

import io.cloudevents.CloudEvent;
import io.herald.server.common.ApiProblems;
import io.herald.server.common.ValidationException;
import io.herald.server.security.ApiCallers;
import io.herald.server.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.AbstractJacksonHttpMessageConverter;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code POST /api/v1/topics/{topic}/events} for a caller already authenticated: one CloudEvent
 * (binary or structured mode, or a plain body with {@code ?type=}) answered 201 once Kafka
 * acknowledged it, or a batch answered 207 with each item's status; {@code Herald-Delay} /
 * {@code Herald-Deliver-At} hold the events until due. It reads the request and writes the answer
 * itself, errors included, so that {@link IngestFilter} can serve the endpoint without Spring
 * Security's chain and Spring MVC's dispatch (two thirds of a request's server time) and
 * {@link IngestController} gives the same answers for the requests the filter leaves to them.
 * JSON is written by the mapper of Spring MVC's own Jackson converter, so bodies read exactly as
 * a controller's would.
 */
@Component
class IngestEndpoint {

    static final String PATTERN = "/api/v1/topics/{topic}/events";

    private final IngestService ingest;
    private final IngestProperties props;
    private final ApiCallers callers;
    private final ApiProblems problems;
    private final ObjectProvider<RequestMappingHandlerAdapter> mvc;
    private volatile ObjectMapper json;

    IngestEndpoint(IngestService ingest, IngestProperties props, ApiCallers callers, ApiProblems problems,
                   ObjectProvider<RequestMappingHandlerAdapter> mvc) {
        this.ingest = ingest;
        this.props = props;
        this.callers = callers;
        this.problems = problems;
        this.mvc = mvc;
    }

    /** Takes the request's event(s) for {@code topic} and answers 201, 207 or a problem. */
    void handle(Caller caller, String topic, HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            String contentType = request.getContentType();
            String delayId = header(request, "Herald-Delay-Id");
            IngestService.Due due = ingest.due(header(request, "Herald-Delay"), header(request, "Herald-Deliver-At"), delayId,
                    header(request, "Herald-Expires-At"));
            String transaction = header(request, "Herald-Transaction");
            if (transaction != null && !transaction.strip().equalsIgnoreCase("prepare")) {
                throw new ValidationException("Herald-Transaction", "must be 'prepare' (then commit or roll back with "
                        + "POST /api/v1/transactions/{id}/commit or /rollback)");
            }
            if (transaction != null && (due != null || IncomingEvents.isBatch(contentType))) {
                throw new ValidationException("Herald-Transaction", "prepares one event at a time, without a delay");
            }
            if (IncomingEvents.isBatch(contentType)) {
                if (delayId != null) {
                    throw new ValidationException("Herald-Delay-Id",
                            "does not apply to a batch: each delayed event is cancelled by its own id");
                }
                byte[] body = body(request, props.maxBatchSize().toBytes(), "herald.ingest.max-batch-size");
                List<IngestService.BatchItem> items = ingest.publishBatch(caller, topic,
                        IncomingEvents.batch(body, props.maxBatchEvents()), due);
                write(request, response, HttpStatus.MULTI_STATUS.value(), null, null, MediaType.APPLICATION_JSON_VALUE,
                        Map.of("items", items));
                return;
            }
            // a structured event carries its JSON envelope around the data: allow for it beyond the data limit
            byte[] body = body(request, props.maxEventSize().toBytes() + 64 * 1024, "herald.ingest.max-event-size");
            CloudEvent event = IncomingEvents.single(headers(request), body, request.getParameter("type"), request.getParameter("key"));
            String prefix = contentType != null && contentType.startsWith(IncomingEvents.STRUCTURED) ? "" : "ce-";
            IngestService.EventResult result = transaction != null ? ingest.prepare(caller, topic, event, prefix)
                    : ingest.publishOne(caller, topic, event, due, prefix);
            String location = transaction != null ? "/api/v1/transactions/" + URLEncoder.encode(result.id(), StandardCharsets.UTF_8)
                    : result.delayId() == null ? null : "/api/v1/delayed/" + URLEncoder.encode(result.delayId(), StandardCharsets.UTF_8);
            write(request, response, HttpStatus.CREATED.value(), "Location", location, MediaType.APPLICATION_JSON_VALUE, result);
        } catch (Exception e) {
            if (response.isCommitted()) {
                throw e;
            }
            ResponseEntity<ProblemDetail> problem = problems.answer(e, request);
            if (problem == null) {
                return; // the client went away
            }
            response.reset();
            problem.getHeaders().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("Content-Type")) {
                    values.forEach(v -> response.addHeader(name, v));
                }
            });
            write(request, response, problem.getStatusCode().value(), null, null, MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    problem.getBody());
        }
    }

    /** The answer: status, its own header, the API's security headers, then the JSON body with its length. */
    private void write(HttpServletRequest request, HttpServletResponse response, int status, String header, String value,
                       String contentType, Object body) throws IOException {
        byte[] bytes = json().writeValueAsBytes(body);
        response.setStatus(status);
        if (value != null) {
            response.setHeader(header, value);
        }
        callers.writeHeaders(request, response);
        response.setContentType(contentType);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private ObjectMapper json() {
        ObjectMapper mapper = json;
        if (mapper == null) {
            mapper = mvc.getObject().getMessageConverters().stream()
                    .filter(c -> c.canWrite(ProblemDetail.class, MediaType.APPLICATION_PROBLEM_JSON))
                    .findFirst()
                    .filter(AbstractJacksonHttpMessageConverter.class::isInstance)
                    .map(c -> (ObjectMapper) ((AbstractJacksonHttpMessageConverter<?>) c).getMapper())
                    .orElseThrow(() -> new IllegalStateException("Spring MVC writes problem+json without Jackson"));
            json = mapper;
        }
        return mapper;
    }

    /** A header as Spring MVC binds it to a String: absent is null, repeated values are joined by commas. */
    private static String header(HttpServletRequest request, String name) {
        String first = request.getHeader(name);
        if (first == null) {
            return null;
        }
        Enumeration<String> values = request.getHeaders(name);
        values.nextElement();
        if (!values.hasMoreElements()) {
            return first;
        }
        StringBuilder all = new StringBuilder(first);
        while (values.hasMoreElements()) {
            all.append(',').append(values.nextElement());
        }
        return all.toString();
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
            if (declared >= 0) {
                // the container reads no further than the declared length: one array of that size, no 8 KB buffer to copy from
                return in.readNBytes((int) declared);
            }
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
