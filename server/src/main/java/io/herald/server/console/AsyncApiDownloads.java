package io.herald.server.console;

import io.herald.server.contract.AsyncApiDocuments;
import io.herald.server.security.Caller;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The console's "Download AsyncAPI" on an app's and a topic's page: the document as a file. */
@Controller
class AsyncApiDownloads {

    private final AsyncApiDocuments documents;
    private final ObjectMapper json;

    AsyncApiDownloads(AsyncApiDocuments documents, ObjectMapper json) {
        this.documents = documents;
        this.json = json;
    }

    @GetMapping("/apps/{name}/asyncapi.json")
    ResponseEntity<byte[]> app(@PathVariable String name, Caller caller) {
        return file(name + "-asyncapi.json", documents.app(caller, name));
    }

    @GetMapping("/topics/{name}/asyncapi.json")
    ResponseEntity<byte[]> topic(@PathVariable String name, Caller caller) {
        return file(name + "-topic-asyncapi.json", documents.topic(caller, name));
    }

    private ResponseEntity<byte[]> file(String filename, JsonNode document) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(filename).build().toString())
                .body(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(document));
    }
}
