package io.herald.server.push;

import io.herald.sdk.wire.ConfigSnapshot;
import io.herald.sdk.wire.Heartbeat;
import io.herald.server.audit.Auditor;
import io.herald.server.catalog.AppService;
import io.herald.server.common.ForbiddenException;
import io.herald.server.common.NotFoundException;
import io.herald.server.common.ValidationException;
import io.herald.server.security.Caller;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
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

    private static final Logger log = LoggerFactory.getLogger(PushController.class);

    private final ConfigPush push;
    private final ClientInstances instances;
    private final AppService apps;
    private final Auditor auditor;
    private final HeldPolls held;

    PushController(ConfigPush push, ClientInstances instances, AppService apps, Auditor auditor, HeldPolls held) {
        this.push = push;
        this.held = held;
        this.instances = instances;
        this.apps = apps;
        this.auditor = auditor;
    }

    /**
     * SDK long-poll: 200 with the snapshot once the version is newer than {@code since}, else 304 after the hold time;
     * 503 with {@code Retry-After} when it would be held while {@code herald.push.max-held-polls} are.
     */
    @GetMapping("/config/{app}")
    DeferredResult<ResponseEntity<ConfigSnapshot>> config(Caller caller, @PathVariable String app,
                                                          @RequestParam(defaultValue = "0") long since) {
        requireFor(caller, app);
        if (since < 0) {
            throw new ValidationException("since", "must be 0 or more");
        }
        return held.admit(push.poll(app, since));
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

    /**
     * An SDK instance leaves the registry: its {@code close()} calls this, so a closed client is not
     * counted as online until {@code herald.push.stale-after} passes. The app's own SDK doing so is
     * routine (logged, like its heartbeats not audited); anyone else removing it is audited.
     */
    @DeleteMapping("/apps/{app}/instances/{instanceId}")
    ResponseEntity<Void> deregister(Caller caller, @PathVariable String app, @PathVariable String instanceId) {
        requireFor(caller, app);
        caller.requireWrite();
        if (!instances.deregister(app, instanceId)) {
            throw new NotFoundException("Instance", instanceId, "instanceId");
        }
        log.info("SDK instance {} of app {} deregistered by {}", instanceId, app, caller.name());
        if (!app.equals(caller.app())) {
            auditor.record(caller, "delete", "instance", app + "/" + instanceId, Map.of("app", app, "instanceId", instanceId), null);
        }
        return ResponseEntity.noContent().build();
    }

    private void requireFor(Caller caller, String app) {
        if (!caller.actsFor(app) && !caller.readOnly()) {
            throw new ForbiddenException("The caller may not act for app '" + app + "'");
        }
        // the app's own key was just checked against the catalog (or its cache, which a deleted app leaves at once):
        // its app exists. Not asking again spares the pool a query for every poll and heartbeat of a fleet.
        if (!app.equals(caller.app()) && !apps.exists(app)) {
            throw new NotFoundException("App", app);
        }
    }
}
