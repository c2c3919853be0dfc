package io.herald.server.contract;

import io.herald.server.security.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** The event catalog as AsyncAPI 3.0: all of it, or what one app sends and receives. */
@RestController
class AsyncApiController {

    private final AsyncApiDocuments documents;

    AsyncApiController(AsyncApiDocuments documents) {
        this.documents = documents;
    }

    @GetMapping("/api/v1/asyncapi")
    JsonNode catalog(Caller caller) {
        return documents.catalog(caller);
    }

    @GetMapping("/api/v1/apps/{app}/asyncapi")
    JsonNode app(Caller caller, @PathVariable String app) {
        return documents.app(caller, app);
    }
}
