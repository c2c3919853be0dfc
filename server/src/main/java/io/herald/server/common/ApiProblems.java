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
import tools.jackson.databind.DatabindException;

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
     * MVC): the same problem, status, headers and log line as when a controller throws it.
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
        if (e instanceof DatabaseUnavailableException) {
            // the outage is logged once by the database probe, not once per request
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
        }
        return builder.body(problem);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        String field = null;
        String detail = "The request body is not valid JSON for this resource";
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof DatabindException d && !d.getPath().isEmpty()) {
            field = d.getPath().stream()
                    .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse(null);
            detail = "Field '" + field + "' has a value of the wrong type or format";
        } else if (e.getMessage() != null && e.getMessage().contains("Required request body is missing")) {
            detail = "A JSON request body is required";
        }
        log.debug("{} {}: unreadable body: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
        return respond(problem(HttpStatus.BAD_REQUEST, "Malformed request", detail, field, request));
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

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        java.util.Optional<DatabaseUnavailableException> outage = DatabaseUnavailableException.in(e);
        if (outage.isPresent()) {
            return herald(outage.get(), request);
        }
        log.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
        return respond(problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "Herald could not complete the request; the server log has the details", null, request));
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
