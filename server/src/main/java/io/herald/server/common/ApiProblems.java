package io.herald.server.common;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Maps every error of the management API to RFC 7807 {@code application/problem+json}, naming the
 * field at fault. 4xx are logged at debug, 5xx at error with the stack; no stack trace is ever
 * sent to a caller.
 */
@RestControllerAdvice(annotations = RestController.class)
@org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE)
public class ApiProblems {

    private static final Logger log = LoggerFactory.getLogger(ApiProblems.class);

    /**
     * The answer to an error raised where no controller runs (HTTP ingestion answers ahead of Spring
     * MVC): the same problem, status, headers and log line as when a controller throws it; null when
     * the client went away ({@link #clientGone}), as there is nobody to answer.
     */
    public ResponseEntity<ProblemDetail> answer(Exception e, HttpServletRequest request) {
        return e instanceof HeraldException h ? herald(h, request) : unexpected(e, request);
    }

    @ExceptionHandler(HeraldException.class)
    ResponseEntity<ProblemDetail> herald(HeraldException e, HttpServletRequest request) {
        ProblemDetail problem = problem(e.status(), e.title(), e.getMessage(), e.field(), request);
        if (e instanceof ValidationException v) {
            problem.setProperty("errors", v.violations().stream()
                    .map(f -> Map.of("field", f.field(), "message", f.message())).toList());
        }
        if (e instanceof DatabaseUnavailableException || e instanceof OverloadedException) {
            // an outage is logged once by the database probe, an overload by its limit, not once per request
            log.debug("{} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
        } else if (e.status().is5xxServerError()) {
            log.warn("{} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage(), e.getCause());
        } else {
            log.debug("{} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
        }
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (e instanceof KafkaUnavailableException) {
            builder.header("Retry-After", "5");
        } else if (e instanceof DatabaseUnavailableException) {
            builder.header("Retry-After", Integer.toString(DatabaseUnavailableException.RETRY_AFTER_SECONDS));
        } else if (e instanceof OverloadedException o) {
            builder.header("Retry-After", Long.toString(Math.max(1, o.retryAfter().toSeconds())));
        }
        return builder.body(problem);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        log.debug("{} {}: unreadable body: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                // the body was too slow (herald.http.body-timeout) or fell silent: not malformed, late
                return respond(problem(HttpStatus.REQUEST_TIMEOUT, "Request Timeout",
                        "The request body did not arrive in time (herald.http.body-timeout)", null, request));
            }
        }
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof StrictJson.UnknownFieldsException u) {
            ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Unknown field", u.detail(), u.fields().get(0).path(), request);
            problem.setProperty("errors", u.fields().stream()
                    .map(f -> Map.of("field", f.path(), "message", "unknown field; " + u.resource() + " has "
                            + (f.known().isEmpty() ? "no fields here" : String.join(", ", f.known()))))
                    .toList());
            return respond(problem);
        }
        String field = null;
        String detail = "The request body is not valid JSON for this resource";
        if (cause instanceof DatabindException d && !d.getPath().isEmpty()) {
            field = d.getPath().stream()
                    .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse(null);
            String expected = cause instanceof MismatchedInputException m ? expected(m.getTargetType()) : null;
            boolean absent = cause instanceof MismatchedInputException m && m.getTargetType() != null
                    && m.getTargetType().isPrimitive() && String.valueOf(cause.getMessage()).startsWith("Cannot map `null`");
            detail = absent ? "Field '" + field + "' is required: " + expected
                    : expected != null ? "Field '" + field + "' must be " + expected
                    : "Field '" + field + "' has a value of the wrong type or format";
        } else if (cause instanceof StreamReadException r && r.processor() != null
                && StrictJson.path(r.processor().streamReadContext()) != null) {
            field = StrictJson.path(r.processor().streamReadContext());
            if (cause instanceof InputCoercionException c) {
                detail = "Field '" + field + "' is out of range" + range(c.getTargetType());
            } else if (String.valueOf(cause.getMessage()).startsWith("Duplicate")) {
                detail = "Field '" + field + "' is given more than once";
            } else {
                detail = "The request body is not valid JSON" + at(r) + " (at field '" + field + "')";
            }
        } else if (cause instanceof StreamReadException r) {
            detail = "The request body is not valid JSON" + at(r);
        } else if (e.getMessage() != null && e.getMessage().contains("Required request body is missing")) {
            detail = "A JSON request body is required";
        }
        return respond(problem(HttpStatus.BAD_REQUEST, "Malformed request", detail, field, request));
    }

    /** What a JSON value must be to fit a field of this type, in the API's words (never a Java class name). */
    private static String expected(Class<?> type) {
        if (type == null) {
            return null;
        }
        if (type == String.class || type == Character.class || type == char.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
            return "an ISO-8601 time such as 2030-01-01T00:00:00Z";
        }
        if (type.isRecord() || java.util.Map.class.isAssignableFrom(type)) {
            return "an object";
        }
        return null;
    }

    private static String range(Class<?> type) {
        if (type == Integer.class || type == int.class) {
            return ": at most " + Integer.MAX_VALUE + " and at least " + Integer.MIN_VALUE;
        }
        if (type == Long.class || type == long.class) {
            return ": at most " + Long.MAX_VALUE + " and at least " + Long.MIN_VALUE;
        }
        return "";
    }

    private static String at(StreamReadException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 0 ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        return respond(problem(HttpStatus.BAD_REQUEST, "Malformed request",
                "Parameter '" + e.getName() + "' has an invalid value", e.getName(), request));
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missingParam(MissingServletRequestParameterException e, HttpServletRequest request) {
        return respond(problem(HttpStatus.BAD_REQUEST, "Malformed request",
                "Parameter '" + e.getParameterName() + "' is required", e.getParameterName(), request));
    }

    @ExceptionHandler({org.springframework.web.ErrorResponseException.class,
            org.springframework.web.HttpRequestMethodNotSupportedException.class,
            org.springframework.web.HttpMediaTypeNotSupportedException.class,
            org.springframework.web.HttpMediaTypeNotAcceptableException.class,
            org.springframework.web.servlet.resource.NoResourceFoundException.class,
            org.springframework.web.bind.MissingPathVariableException.class})
    ResponseEntity<ProblemDetail> framework(Exception e, HttpServletRequest request) {
        ErrorResponse er = (ErrorResponse) e;
        HttpStatusCode status = er.getStatusCode();
        ProblemDetail body = er.getBody();
        body.setInstance(URI.create(request.getRequestURI()));
        log.debug("{} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
        return ResponseEntity.status(status).headers(er.getHeaders()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }

    /** The firewall refusing a parameter as a controller reads it (the firewall checks parameters lazily). */
    @ExceptionHandler(org.springframework.security.web.firewall.RequestRejectedException.class)
    ResponseEntity<ProblemDetail> rejected(Exception e, HttpServletRequest request) {
        log.debug("{} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
        return respond(problem(HttpStatus.BAD_REQUEST, "Malformed request",
                "A parameter holds characters Herald does not accept", null, request));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        java.util.Optional<DatabaseUnavailableException> outage = DatabaseUnavailableException.in(e);
        if (outage.isPresent()) {
            return herald(outage.get(), request);
        }
        if (e instanceof ErrorResponse) {
            // one of Spring MVC's own 4xx (a missing header, a failed method validation, …)
            return framework(e, request);
        }
        if (clientGone(e)) {
            // nobody is left to read an answer: not Herald's error, and no stack trace
            log.debug("{} {}: the client went away ({})", request.getMethod(), request.getRequestURI(), e.toString());
            return null;
        }
        log.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
        return respond(problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "Herald could not complete the request; the server log has the details", null, request));
    }

    /**
     * Whether {@code e} says the client closed the connection (Tomcat's ClientAbortException, a broken
     * pipe or reset, Spring's AsyncRequestNotUsableException after a held request's client left).
     */
    public static boolean clientGone(Throwable e) {
        return org.springframework.web.util.DisconnectedClientHelper.isClientDisconnectedException(e);
    }

    static ProblemDetail problem(HttpStatus status, String title, String detail, String field, HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setInstance(URI.create(request.getRequestURI()));
        if (field != null) {
            problem.setProperty("field", field);
            problem.setProperty("errors", List.of(Map.of("field", field, "message", detail)));
        }
        return problem;
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
