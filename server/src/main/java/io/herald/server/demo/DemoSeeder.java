package io.herald.server.demo;

import io.herald.server.catalog.AppService;
import io.herald.server.catalog.BindingService;
import io.herald.server.catalog.CreatedApp;
import io.herald.server.catalog.TopicService;
import io.herald.server.security.Caller;
import io.herald.server.security.GeneratedSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Seeds a small demo on an empty catalog when {@code herald.demo.seed=true} (the run command sets
 * it when it started its own PostgreSQL and Kafka): app {@code shop}, topic {@code orders} with
 * types {@code order-created} and {@code order-paid}, and a FANOUT binding of group {@code shipping}.
 */
@Component
@Order(10)
@ConditionalOnProperty(name = "herald.demo.seed", havingValue = "true")
class DemoSeeder implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoSeeder.class);

    private final AppService apps;
    private final TopicService topics;
    private final BindingService bindings;
    private final String dataDir;
    private final GeneratedSecrets secrets;

    DemoSeeder(AppService apps, TopicService topics, BindingService bindings, GeneratedSecrets secrets,
               @Value("${herald.data-dir:}") String dataDir) {
        this.secrets = secrets;
        this.apps = apps;
        this.topics = topics;
        this.bindings = bindings;
        this.dataDir = dataDir;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        if (apps.exists("shop")) {
            return;
        }
        CreatedApp shop = apps.create(Caller.SYSTEM, new AppService.AppRequest("shop", "demo team", "Demo app seeded by Herald"));
        topics.create(Caller.SYSTEM, new TopicService.TopicRequest("orders", "shop", 3, 1, null, "Demo topic: order events",
                null, List.of(
                        new TopicService.TypeRequest("order-created", "A customer placed an order",
                                "{\"type\":\"object\",\"required\":[\"orderId\"],\"properties\":{\"orderId\":{\"type\":\"string\"},\"amount\":{\"type\":\"number\"}}}"),
                        new TopicService.TypeRequest("order-paid", "An order was paid", null)), true, null));
        bindings.create(Caller.SYSTEM, new BindingService.BindingRequest("shop", "shipping", "orders", "FANOUT", null,
                null, null, null, null, null, null, null, null, null));
        System.out.println();
        System.out.println("  Demo seeded: app 'shop' (API key, shown once: " + shop.apiKey() + "),");
        System.out.println("  topic 'orders' with types order-created and order-paid, binding of group 'shipping'.");
        System.out.println();
        secrets.keep("shop-api-key", shop.apiKey());
        if (dataDir != null && !dataDir.isBlank()) {
            Path file = Path.of(dataDir, "demo-api-key.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, shop.apiKey() + System.lineSeparator());
            file.toFile().setReadable(false, false);
            file.toFile().setReadable(true, true);
            log.info("Demo API key of app 'shop' written to {}", file);
        }
    }
}
