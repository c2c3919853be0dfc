package io.herald.server.security;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** Creates the admin token and the first console user at start-up, printing generated secrets once. */
@Component
@Order(0)
class SecurityInitializer implements ApplicationRunner {

    private final AdminToken adminToken;
    private final ConsoleUsers users;
    private final HeraldSecurityProperties props;

    SecurityInitializer(AdminToken adminToken, ConsoleUsers users, HeraldSecurityProperties props) {
        this.adminToken = adminToken;
        this.users = users;
        this.props = props;
    }

    @Override
    public void run(ApplicationArguments args) {
        adminToken.initialize(System.out);
        users.initialize(props.adminPassword(), System.out);
    }
}
