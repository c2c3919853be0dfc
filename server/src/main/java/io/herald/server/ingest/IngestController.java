package io.herald.server.ingest;

import io.herald.server.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/topics/{topic}/events} through Spring Security and Spring MVC, for the requests
 * {@link IngestFilter} leaves to them (a percent-encoded topic, for one); the mapping also declares the
 * endpoint to the authorization matrix and answers 405 to other methods. {@link IngestEndpoint} does
 * the work and writes the answer in both cases.
 */
@RestController
class IngestController {

    private final IngestEndpoint endpoint;

    IngestController(IngestEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @PostMapping(IngestEndpoint.PATTERN)
    void post(@PathVariable String topic, Caller caller, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        endpoint.handle(caller, topic, request, response);
    }
}
