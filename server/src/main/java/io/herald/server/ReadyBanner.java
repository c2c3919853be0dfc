package io.herald.server;

import io.herald.server.security.GeneratedSecrets;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/** Tells the operator where Herald answers once it is ready, and where generated secrets are kept. */
@Component
class ReadyBanner implements ApplicationListener<ApplicationReadyEvent> {

    private final GeneratedSecrets secrets;

    ReadyBanner(GeneratedSecrets secrets) {
        this.secrets = secrets;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (event.getApplicationContext() instanceof WebServerApplicationContext web) {
            int port = web.getWebServer().getPort();
            System.out.println();
            System.out.println("  Herald is ready.");
            System.out.println("  Console:    http://localhost:" + port + "/   (user 'admin')");
            System.out.println("  API:        http://localhost:" + port + "/api/v1   (Authorization: Bearer <admin token or app API key>)");
            System.out.println("  Health:     http://localhost:" + port + "/actuator/health   Metrics: /actuator/prometheus");
            secrets.file().ifPresent(f -> System.out.println("  Secrets:    the generated admin token and password are in " + f
                    + " (readable only by you); HERALD_ADMIN_PASSWORD / HERALD_ADMIN_TOKEN at a start replace lost ones"));
            System.out.println();
        }
    }
}
