package io.herald.server.schedule;

import io.herald.server.security.Caller;
import java.util.List;
import org.springframework.http.HttpStatus;
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

/** {@code /api/v1/schedules}: cyclic events. */
@RestController
@RequestMapping("/api/v1/schedules")
class ScheduleController {

    private final ScheduleService schedules;

    ScheduleController(ScheduleService schedules) {
        this.schedules = schedules;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    ScheduleView create(Caller caller, @RequestBody ScheduleService.ScheduleRequest request) {
        return schedules.create(caller, request);
    }

    @GetMapping
    List<ScheduleView> list(Caller caller, @RequestParam(required = false) String app) {
        return schedules.list(caller, app);
    }

    @GetMapping("/{id}")
    ScheduleView get(Caller caller, @PathVariable long id) {
        return schedules.get(caller, id);
    }

    @GetMapping("/{id}/history")
    List<ScheduleView.Firing> history(Caller caller, @PathVariable long id, @RequestParam(defaultValue = "50") int limit) {
        return schedules.history(caller, id, limit);
    }

    @PatchMapping("/{id}")
    ScheduleView update(Caller caller, @PathVariable long id, @RequestBody ScheduleService.ScheduleRequest request) {
        return schedules.update(caller, id, request);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(Caller caller, @PathVariable long id) {
        schedules.delete(caller, id);
    }
}
