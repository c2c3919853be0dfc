package io.herald.server.catalog;

import io.herald.server.security.Caller;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/processors")
class ProcessorController {

    private final ProcessorService processors;

    ProcessorController(ProcessorService processors) {
        this.processors = processors;
    }

    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping
    ResponseEntity<ProcessorView> create(Caller caller, @RequestBody ProcessorService.ProcessorRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(processors.create(caller, request));
    }

    @GetMapping
    List<ProcessorView> list(Caller caller, @RequestParam(required = false) String app) {
        return processors.list(caller, app);
    }

    @GetMapping("/{id}")
    ProcessorView get(Caller caller, @PathVariable long id) {
        return processors.get(caller, id);
    }

    @PatchMapping("/{id}")
    ProcessorView update(Caller caller, @PathVariable long id, @RequestBody ProcessorService.ProcessorRequest request) {
        return processors.update(caller, id, request);
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable long id) {
        processors.delete(caller, id);
        return ResponseEntity.noContent().build();
    }
}
