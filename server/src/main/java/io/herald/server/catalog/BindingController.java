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
@RequestMapping("/api/v1/bindings")
class BindingController {

    private final BindingService bindings;

    BindingController(BindingService bindings) {
        this.bindings = bindings;
    }

    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping
    ResponseEntity<BindingView> create(Caller caller, @RequestBody BindingService.BindingRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(bindings.create(caller, request));
    }

    @GetMapping
    List<BindingView> list(Caller caller, @RequestParam(required = false) String app,
                           @RequestParam(required = false) String topic, @RequestParam(required = false) String group) {
        return bindings.list(caller, app, topic, group);
    }

    @GetMapping("/{id}")
    BindingView get(Caller caller, @PathVariable long id) {
        return bindings.get(caller, id);
    }

    @PatchMapping("/{id}")
    BindingView update(Caller caller, @PathVariable long id, @RequestBody BindingService.BindingRequest request) {
        return bindings.update(caller, id, request);
    }

    // The same three by consumer group and topic, so scripts and the README need no id (a group with
    // several bindings on one topic answers 409 listing their ids).
    @GetMapping("/{group}/{topic}")
    BindingView get(Caller caller, @PathVariable String group, @PathVariable String topic) {
        return bindings.get(caller, bindings.idOf(group, topic));
    }

    @PatchMapping("/{group}/{topic}")
    BindingView update(Caller caller, @PathVariable String group, @PathVariable String topic,
                       @RequestBody BindingService.BindingRequest request) {
        return bindings.update(caller, bindings.idOf(group, topic), request);
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping("/{group}/{topic}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable String group, @PathVariable String topic) {
        bindings.delete(caller, bindings.idOf(group, topic));
        return ResponseEntity.noContent().build();
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable long id) {
        bindings.delete(caller, id);
        return ResponseEntity.noContent().build();
    }
}
