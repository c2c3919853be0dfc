package io.herald.server.console;

import io.herald.server.cluster.ClusterInfo;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/** The cluster page (brokers, controller, versions, log dirs, partitions in trouble) and one broker's configuration, read only. */
@Controller
class ClusterPages {

    private final ClusterInfo cluster;

    ClusterPages(ClusterInfo cluster) {
        this.cluster = cluster;
    }

    @GetMapping("/cluster")
    String cluster(HttpServletRequest request, Model model) {
        model.addAttribute("c", cluster.describe());
        return Views.of(request, "cluster/index", "fragments/cluster :: index");
    }

    @GetMapping("/cluster/brokers/{id}")
    String broker(@PathVariable int id, HttpServletRequest request, Model model) {
        model.addAttribute("b", cluster.broker(id));
        return Views.of(request, "cluster/broker", "fragments/cluster :: broker");
    }
}
