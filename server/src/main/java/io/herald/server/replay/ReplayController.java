package io.herald.server.replay;

import io.herald.server.catalog.PageView;
import io.herald.server.security.Caller;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Replay jobs: start (or dry-run) a window, a traced message or a dead-letter redrive; follow; cancel. */
@RestController
@RequestMapping("/api/v1")
class ReplayController {

    private final ReplayService replays;

    ReplayController(ReplayService replays) {
        this.replays = replays;
    }

    @PostMapping("/replays")
    ResponseEntity<?> start(Caller caller, @RequestBody ReplayRequest request) {
        if (Boolean.TRUE.equals(request.dryRun())) {
            return ResponseEntity.ok(replays.plan(caller, request));
        }
        return created(replays.start(caller, request));
    }

    @GetMapping("/replays")
    PageView<ReplayJobView> list(Caller caller, @RequestParam(required = false) String state,
                                 @RequestParam(required = false) String topic,
                                 @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
        return replays.list(caller, state, topic, page, size);
    }

    @GetMapping("/replays/{id}")
    ReplayJobView get(Caller caller, @PathVariable long id) {
        return replays.get(caller, id);
    }

    @PostMapping("/replays/{id}/cancel")
    ReplayJobView cancel(Caller caller, @PathVariable long id) {
        return replays.cancel(caller, id);
    }

    @PostMapping("/messages/{id}/replay")
    ResponseEntity<?> replayMessage(Caller caller, @PathVariable String id, @RequestBody MessageReplayRequest request) {
        if (request != null && Boolean.TRUE.equals(request.dryRun())) {
            return ResponseEntity.ok(replays.planMessage(caller, id, request));
        }
        return created(replays.startMessage(caller, id, request));
    }

    @GetMapping("/dead-letters")
    DeadLetterView deadLetters(Caller caller, @RequestParam(required = false) String topic,
                               @RequestParam(required = false) String group, @RequestParam(defaultValue = "100") int limit) {
        return replays.deadLetters(caller, topic, group, limit);
    }

    @PostMapping("/dead-letters/redrive")
    ResponseEntity<?> redrive(Caller caller, @RequestBody RedriveRequest request) {
        if (Boolean.TRUE.equals(request.dryRun())) {
            return ResponseEntity.ok(replays.planRedrive(caller, request));
        }
        return created(replays.startRedrive(caller, request));
    }

    private static ResponseEntity<ReplayJobView> created(ReplayJobView job) {
        return ResponseEntity.created(URI.create("/api/v1/replays/" + job.id())).body(job);
    }
}
