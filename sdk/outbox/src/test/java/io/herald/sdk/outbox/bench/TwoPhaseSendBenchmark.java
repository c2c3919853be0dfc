package io.herald.sdk.outbox.bench;

import io.herald.sdk.Herald;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.TransactionState;
import io.herald.sdk.testing.TestKafka;
import io.herald.sdk.wire.HeraldTopics;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * On demand, not a test: two-phase send throughput ({@code Herald.sendTransactional} with a no-op
 * local transaction answering COMMIT) relative to a plain blocking {@code send} in the same run,
 * same client, same threads, alternating who goes first. Only the SDK's side: the server's worker
 * publishes committed messages afterwards and is not in the sender's path.
 */
public final class TwoPhaseSendBenchmark {

    public static void main(String[] args) throws Exception {
        int records = Integer.parseInt(OutboxRelayBenchmark.arg(args, "--records", "40000"));
        int threads = Integer.parseInt(OutboxRelayBenchmark.arg(args, "--threads", "16"));
        int rounds = Integer.parseInt(OutboxRelayBenchmark.arg(args, "--rounds", "4"));
        long linger = Long.parseLong(OutboxRelayBenchmark.arg(args, "--linger-ms", "5"));
        String topic = TestKafka.uniqueTopic("tx-bench");
        TestKafka.createTopics(6, topic);
        try {
            TestKafka.createTopics(6, HeraldTopics.TX_HALF, HeraldTopics.TX_DECISION);
        } catch (IllegalStateException e) {
            System.out.println("transaction topics kept: " + e.getCause()); // a broker used before
        }
        byte[] payload = new byte[1024];
        try (Herald herald = Herald.builder().withAppName("bench").withKafkaBootstrap(TestKafka.bootstrap())
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, Files.createTempDirectory("tx-bench").toString())
                .withSetting(HeraldSettings.PRODUCER_LINGER_MS, linger).build()) {
            run(herald, topic, payload, records / 4, threads, true);   // warm-up
            run(herald, topic, payload, records / 4, threads, false);
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                double plain;
                double twoPhase;
                if (r % 2 == 0) {
                    plain = run(herald, topic, payload, records, threads, false);
                    twoPhase = run(herald, topic, payload, records, threads, true);
                } else {
                    twoPhase = run(herald, topic, payload, records, threads, true);
                    plain = run(herald, topic, payload, records, threads, false);
                }
                ratios[r] = twoPhase / plain;
                System.out.printf("round %d: plain %.0f msg/s, two-phase %.0f msg/s, ratio %.2f%n", r + 1, plain, twoPhase, ratios[r]);
            }
            Arrays.sort(ratios);
            double median = rounds % 2 == 1 ? ratios[rounds / 2] : (ratios[rounds / 2 - 1] + ratios[rounds / 2]) / 2;
            System.out.printf("TWO-PHASE ratio %.2f (median of %d rounds; %d threads, blocking sends, 1 KiB, linger.ms=%d)%n", median,
                    rounds, threads, linger);
        }
        OutboxRelayBenchmark.deleteTopic(topic); // the tx topics stay: a server may use them
        System.exit(0);
    }

    private static double run(Herald herald, String topic, byte[] payload, int records, int threads, boolean twoPhase)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    for (int i = 0; i < records / threads; i++) {
                        if (twoPhase) {
                            herald.sendTransactional(topic, "bench", null, payload, id -> TransactionState.COMMIT);
                        } else {
                            herald.sender().send(topic, "bench", null, payload);
                        }
                    }
                } catch (RuntimeException e) {
                    e.printStackTrace();
                    System.exit(1); // a figure from fewer sends than counted would be a lie
                } finally {
                    done.countDown();
                }
            });
            workers.add(w);
            w.start();
        }
        done.await();
        return (records / threads) * threads / ((System.nanoTime() - t0) / 1e9);
    }
}
