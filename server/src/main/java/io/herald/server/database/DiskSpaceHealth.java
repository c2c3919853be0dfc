package io.herald.server.database;

import java.io.File;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Free disk space where the server runs ({@code diskSpace}), as Spring Boot's own check but without
 * the directory's path: an app key sees health details, and the server's working directory is not
 * its business.
 */
@Component("diskSpaceHealthIndicator")
class DiskSpaceHealth extends AbstractHealthIndicator {

    private static final long THRESHOLD = 10L * 1024 * 1024;

    DiskSpaceHealth() {
        super("Disk space cannot be read");
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        File dir = new File(".");
        long free = dir.getUsableSpace();
        (free >= THRESHOLD ? builder.up() : builder.down())
                .withDetail("total", dir.getTotalSpace()).withDetail("free", free).withDetail("threshold", THRESHOLD);
    }
}
