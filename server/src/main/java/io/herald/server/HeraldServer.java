package io.herald.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Herald's control plane. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class HeraldServer {

    public static void main(String[] args) {
        SpringApplication.run(HeraldServer.class, args);
    }
}
