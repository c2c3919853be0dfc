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
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/apps")
class AppController {

    private final AppService apps;

    AppController(AppService apps) {
        this.apps = apps;
    }

    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping
    ResponseEntity<CreatedApp> create(Caller caller, @RequestBody AppService.AppRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED).body(apps.create(caller, request));
    }

    @GetMapping
    List<AppView> list(Caller caller) {
        return apps.list(caller);
    }

    @GetMapping("/{app}")
    AppView get(Caller caller, @PathVariable String app) {
        return apps.get(caller, app);
    }

    @PatchMapping("/{app}")
    AppView update(Caller caller, @PathVariable String app, @RequestBody AppService.AppRequest request) {
        return apps.update(caller, app, request);
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping("/{app}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable String app) {
        apps.delete(caller, app);
        return ResponseEntity.noContent().build();
    }

    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping("/{app}/keys")
    ResponseEntity<IssuedKey> rotate(Caller caller, @PathVariable String app) {
        return ResponseEntity.status(HttpStatus.CREATED).body(apps.rotateKey(caller, app));
    }

    @GetMapping("/{app}/keys")
    List<ApiKeyView> keys(Caller caller, @PathVariable String app) {
        return apps.keys(caller, app);
    }

    @DeleteMapping("/{app}/keys/{id}")
    ApiKeyView revoke(Caller caller, @PathVariable String app, @PathVariable long id) {
        return apps.revokeKey(caller, app, id);
    }
}
