package io.herald.server.push;

import io.herald.sdk.wire.ConfigSnapshot;
import io.herald.sdk.wire.Heartbeat;
import io.herald.server.catalog.AppService;
import io.herald.server.common.ForbiddenException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.ValidationException;
import io.herald.server.security.Caller;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

@RestController
@RequestMapping("/api/v1")
class PushController {

    private final ConfigPush push;
    private final ClientInstances instances;
    private final AppService apps;

    PushController(ConfigPush push, ClientInstances instances, AppService apps) {
        this.push = push;
        this.instances = instances;
        this.apps = apps;
    }

    /** SDK long-poll: 200 with the snapshot once the version is newer than {@code since}, else 304 after the hold time. */
    @GetMapping("/config/{app}")
    DeferredResult<ResponseEntity<ConfigSnapshot>> config(Caller caller, @PathVariable String app,
                                                          @RequestParam(defaultValue = "0") long since) {
        requireFor(caller, app);
        if (since < 0) {
            throw new ValidationException("since", "must be 0 or more");
        }
        return push.poll(app, since);
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @PostMapping("/clients/heartbeat")
    ResponseEntity<Void> heartbeat(Caller caller, @RequestBody Heartbeat heartbeat) {
        if (heartbeat.app() == null || heartbeat.app().isBlank()) {
            throw new ValidationException("app", "is required");
        }
        requireFor(caller, heartbeat.app());
        instances.record(heartbeat);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/apps/{app}/instances")
    List<ClientInstances.Instance> instances(Caller caller, @PathVariable String app) {
        requireFor(caller, app);
        return instances.list(app);
    }

    private void requireFor(Caller caller, String app) {
        if (!caller.actsFor(app) && !caller.readOnly()) {
            throw new ForbiddenException("The caller may not act for app '" + app + "'");
        }
        if (!apps.exists(app)) {
            throw new NotFoundException("App", app);
        }
    }
}
