package io.herald.server.common;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.web.WebProperties;
import org.springframework.boot.webmvc.autoconfigure.error.BasicErrorController;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorViewResolver;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.ModelAndView;
import tools.jackson.databind.json.JsonMapper;

/**
 * Spring Boot's {@code /error}, for what no controller answered (an unknown API path, a method the
 * path does not take, a request the container refused): problem+json for the API and every client
 * that does not ask for HTML, the console's error page for a browser. Never a stack trace, an
 * exception message or a class name; and {@code /error} asked for directly is a 404, not the 500
 * Spring Boot answers when no error is under way.
 */
@Controller
@RequestMapping("${server.error.path:${error.path:/error}}")
class ProblemErrorController extends BasicErrorController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    ProblemErrorController(ErrorAttributes errorAttributes, WebProperties web, ObjectProvider<ErrorViewResolver> resolvers) {
        super(errorAttributes, web.getError(), resolvers.orderedStream().toList());
    }

    @Override
    public ModelAndView errorHtml(HttpServletRequest request, HttpServletResponse response) {
        if (!api(request)) {
            return super.errorHtml(request, response);
        }
        HttpStatus status = getStatus(request);
        try {
            response.setStatus(status.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write(JSON.writeValueAsString(problem(request, status)));
        } catch (IOException e) {
            // the client went away
        }
        return null;
    }

    @Override
    public ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
        HttpStatus status = getStatus(request);
        if (status == HttpStatus.NO_CONTENT) {
            return new ResponseEntity<>(status);
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem(request, status));
    }

    @Override
    protected HttpStatus getStatus(HttpServletRequest request) {
        if (request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) == null) {
            return HttpStatus.NOT_FOUND;
        }
        return super.getStatus(request);
    }

    private static boolean api(HttpServletRequest request) {
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri != null ? uri.toString() : request.getRequestURI();
        return path.startsWith("/api/") || path.startsWith("/error");
    }

    private static Map<String, Object> problem(HttpServletRequest request, HttpStatus status) {
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", status.getReasonPhrase());
        body.put("status", status.value());
        body.put("detail", detail(request, status));
        body.put("instance", uri != null ? uri.toString() : request.getRequestURI());
        return body;
    }

    private static String detail(HttpServletRequest request, HttpStatus status) {
        return switch (status) {
            case NOT_FOUND -> "There is no such resource";
            case METHOD_NOT_ALLOWED -> "The resource does not take this method";
            case BAD_REQUEST -> "The request is malformed";
            case UNSUPPORTED_MEDIA_TYPE -> "The request's Content-Type is not supported here";
            case NOT_ACCEPTABLE -> "The resource cannot answer in a type the Accept header allows";
            case PAYLOAD_TOO_LARGE -> "The request is too large";
            case REQUEST_TIMEOUT -> "The request body did not arrive in time (herald.http.body-timeout)";
            case UNAUTHORIZED -> "This needs 'Authorization: Bearer <token>' or a signed-in console user";
            case FORBIDDEN -> "The caller may not do this";
            default -> status.is5xxServerError() ? "Herald could not complete the request; the server log has the details"
                    : status.getReasonPhrase();
        };
    }
}
