package io.herald.server.console;

import io.herald.server.common.KafkaUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The dashboard: catalog counts, SDK instances, and (loaded separately, refreshed live) Kafka figures. */
@Controller
class DashboardController {

    private final ConsoleStats stats;
    private final KafkaInsight kafka;

    DashboardController(ConsoleStats stats, KafkaInsight kafka) {
        this.stats = stats;
        this.kafka = kafka;
    }

    @GetMapping("/")
    String dashboard(HttpServletRequest request, Model model) {
        model.addAttribute("counts", stats.counts());
        model.addAttribute("instances", stats.instanceSummary(null));
        model.addAttribute("staleAfterMillis", stats.staleAfter().toMillis());
        return Views.of(request, "dashboard/index", "fragments/dashboard :: index");
    }

    /** Throughput and lag; the dashboard polls it. Kafka being down is a state to show, not an error. */
    @GetMapping("/dashboard/kafka")
    String kafka(HttpServletRequest request, Model model) {
        try {
            model.addAttribute("figures", kafka.dashboard(stats::topics));
        } catch (KafkaUnavailableException e) {
            model.addAttribute("kafkaError", "Kafka is not reachable right now; retrying.");
        }
        return Views.of(request, "dashboard/kafka", "fragments/dashboard :: kafka");
    }
}
