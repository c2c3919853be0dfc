package io.herald.server.cluster;

import io.herald.server.security.Caller;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The cluster over the API: consumer groups (list, one group, reset offsets on a topic, delete an
 * empty group) and brokers. The whole cluster is the admin's: app keys get 403.
 */
@RestController
class ClusterController {

    private final ConsumerGroups groups;
    private final ClusterInfo info;

    ClusterController(ConsumerGroups groups, ClusterInfo info) {
        this.groups = groups;
        this.info = info;
    }

    @GetMapping("/api/v1/consumer-groups")
    ConsumerGroups.GroupList list(Caller caller, @RequestParam(required = false) String q,
                                  @RequestParam(required = false) String state, @RequestParam(defaultValue = "0") int page,
                                  @RequestParam(defaultValue = "" + ConsumerGroups.PAGE_SIZE) int size) {
        caller.requireAdminRead();
        return groups.list(q, state, page, size);
    }

    @GetMapping("/api/v1/consumer-groups/{group}")
    ConsumerGroups.GroupDetail get(Caller caller, @PathVariable String group) {
        caller.requireAdminRead();
        return groups.detail(group);
    }

    /** 404 unknown group; 422 naming the field for a bad target, time, offset or partition; 409 while the group has members. */
    @PostMapping("/api/v1/consumer-groups/{group}/reset-offsets")
    ConsumerGroups.OffsetResetResult reset(Caller caller, @PathVariable String group,
                                           @RequestBody ConsumerGroups.OffsetResetRequest body) {
        return groups.reset(caller, group, body);
    }

    /** 204; 404 unknown group; 409 while the group has members. */
    @DeleteMapping("/api/v1/consumer-groups/{group}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable String group) {
        groups.delete(caller, group);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/api/v1/cluster")
    ClusterInfo.Cluster cluster(Caller caller) {
        caller.requireAdminRead();
        return info.describe();
    }

    /** One broker with its configuration (read only; sensitive values masked); 404 for an unknown id. */
    @GetMapping("/api/v1/cluster/brokers/{id}")
    ClusterInfo.BrokerConfigs broker(Caller caller, @PathVariable int id) {
        caller.requireAdminRead();
        return info.broker(id);
    }
}
