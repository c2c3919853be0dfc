package koper.demo.failing;

import io.herald.sdk.spring.HeraldAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.annotation.Bean;

/** A Spring Boot app with the starter and a meter registry; the test passes its DAO (and listener) as further sources. */
@SpringBootConfiguration
@ImportAutoConfiguration(HeraldAutoConfiguration.class)
public class ThingApp {

    @Bean
    MeterRegistry meterRegistry() {
        return new SimpleMeterRegistry();
    }
}
