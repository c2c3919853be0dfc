package io.herald.server.security;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Creates the admin token and the first console user at start-up, printing generated secrets once
 * (and keeping them in the {@link GeneratedSecrets} file of a local installation); resets
 * {@code admin}'s password when {@code HERALD_ADMIN_PASSWORD} differs from it, audited and logged
 * without the value.
 */
@Component
@Order(0)
class SecurityInitializer implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(SecurityInitializer.class);

    private final AdminToken adminToken;
    private final ConsoleUsers users;
    private final HeraldSecurityProperties props;
    private final GeneratedSecrets secrets;
    private final SystemAudit auditor;

    SecurityInitializer(AdminToken adminToken, ConsoleUsers users, HeraldSecurityProperties props, GeneratedSecrets secrets,
                        SystemAudit auditor) {
        this.adminToken = adminToken;
        this.users = users;
        this.props = props;
        this.secrets = secrets;
        this.auditor = auditor;
    }

    @Override
    public void run(ApplicationArguments args) {
        adminToken.initialize(System.out);
        if (users.initialize(props.adminPassword(), System.out, secrets) == ConsoleUsers.Initialized.RESET) {
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("username", "admin");
            after.put("role", "ADMIN");
            after.put("enabled", true);
            after.put("password", "reset from HERALD_ADMIN_PASSWORD");
            auditor.record("reset-password", "console-user", "admin", after);
            log.warn("The password of console user 'admin' was reset from HERALD_ADMIN_PASSWORD (herald.security.admin-password);"
                    + " while it stays set, every start makes it admin's password again");
        }
    }
}
