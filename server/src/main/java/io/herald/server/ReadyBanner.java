package io.herald.server;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/** Tells the operator where Herald answers once it is ready. */
@Component
class ReadyBanner implements ApplicationListener<ApplicationReadyEvent> {

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (event.getApplicationContext() instanceof WebServerApplicationContext web) {
            int port = web.getWebServer().getPort();
            System.out.println();
            System.out.println("  Herald is ready.");
            System.out.println("  Console:    http://localhost:" + port + "/   (user 'admin')");
            System.out.println("  API:        http://localhost:" + port + "/api/v1   (Authorization: Bearer <admin token or app API key>)");
            System.out.println("  Health:     http://localhost:" + port + "/actuator/health   Metrics: /actuator/prometheus");
            System.out.println();
        }
    }
}
