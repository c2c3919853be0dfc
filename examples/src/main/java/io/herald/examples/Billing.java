package io.herald.examples;

import io.herald.sdk.Binding;
import io.herald.sdk.Herald;
import io.herald.sdk.SendResult;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The README tour's step 2: app {@code billing} listens to {@code pay-succ} on topic {@code trade}
 * as consumer group {@code billing}, sends one payment and waits until its listener has it.
 *
 * <p>Environment: {@code HERALD_API_KEY} (billing's API key, required), {@code HERALD_URL}
 * (default {@code http://localhost:8080}), {@code HERALD_KAFKA} (default {@code 127.0.0.1:19092},
 * the broker {@code ops/run} starts).
 */
public final class Billing {

    /** The payload: sent and received as JSON. */
    public record Payment(String orderId, double amount) {
    }

    public static void main(String[] args) throws InterruptedException {
        String apiKey = System.getenv("HERALD_API_KEY");
        if (apiKey == null || apiKey.isBlank()) {
            System.err.println("Set HERALD_API_KEY to the API key of app 'billing' (the answer to POST /api/v1/apps)");
            System.exit(2);
        }
        String url = System.getenv().getOrDefault("HERALD_URL", "http://localhost:8080");
        String kafka = System.getenv().getOrDefault("HERALD_KAFKA", "127.0.0.1:19092");
        String orderId = args.length > 0 ? args[0] : "order-42";
        CountDownLatch paid = new CountDownLatch(1);

        try (Herald herald = Herald.builder()
                .withAppName("billing")
                .withControlPlane(url, apiKey)
                .withKafkaBootstrap(kafka)
                .build()) {
            herald.listen(Binding.direct("trade", "pay-succ").withGroup("billing"), Payment.class, message -> {
                System.out.println("paid: " + message.payload());
                if (message.payload().orderId().equals(orderId)) {
                    paid.countDown();
                }
            });
            // The first start takes a few seconds: the consumer joins its group and is given partitions.
            // A new group reads from the topic's start, so the payment sent below is not missed meanwhile.
            herald.start();
            SendResult sent = herald.sender().send("trade", "pay-succ", orderId, new Payment(orderId, 99.5));
            System.out.println("sent " + sent.messageId() + " to partition " + sent.partition() + " at offset " + sent.offset());
            if (!paid.await(60, TimeUnit.SECONDS)) {
                System.err.println("The listener did not receive " + orderId + " within 60 s; see the log above");
                System.exit(1);
            }
        }
    }
}
