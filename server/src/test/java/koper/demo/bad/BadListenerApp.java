package koper.demo.bad;

import io.herald.sdk.spring.HeraldAutoConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/** An app without component scanning: the test passes the one listener it runs as a second source. */
@SpringBootConfiguration
@ImportAutoConfiguration(HeraldAutoConfiguration.class)
public class BadListenerApp {
}
