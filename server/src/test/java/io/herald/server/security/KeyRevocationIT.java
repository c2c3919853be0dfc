package io.herald.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import io.herald.server.support.TestInfra;
import io.herald.server.support.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An app's key hammered by 8 clients against two server instances that share PostgreSQL: once the
 * revoke call has returned (through either instance), no request started afterwards gets through
 * on any instance, although both had the key cached; a rotated key works on both at once.
 */
class KeyRevocationIT extends ServerTest {

    private static final int CLIENTS = 8;
    /** How long the clients keep calling after the revoke returned: longer than the old key cache's 10 s. */
    private static final Duration AFTER_REVOKE = Duration.ofSeconds(12);

    private static ConfigurableApplicationContext second;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private List<String> instances;

    @BeforeEach
    void twoInstances() {
        if (second == null) {
            second = TestServers.start(TestInfra.databaseUrl(), TestInfra.kafkaBootstrap(), ADMIN_TOKEN);
        }
        instances = List.of(baseUrl(), "http://127.0.0.1:" + TestServers.port(second));
    }

    @AfterAll
    static void stopSecond() {
        if (second != null) {
            second.close();
            second = null;
        }
    }

    @Test
    void revokedKeyIsRefusedOnEveryInstanceForEveryRequestStartedAfterTheRevokeReturned() throws Exception {
        // given an app whose key 8 clients use on both instances, so both have it cached
        String app = unique("revoke");
        String key = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        long keyId = admin.get("/apps/" + app + "/keys").json().get(0).get("id").asLong();
        try (Hammer hammer = new Hammer(app, key)) {
            hammer.awaitSuccessesOnEveryInstance(200);

            // when the key is revoked through the first instance
            Api.Response revoked = admin.delete("/apps/" + app + "/keys/" + keyId);
            long returnedAt = System.nanoTime();
            assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
            hammer.revokedAt(returnedAt);
            Thread.sleep(AFTER_REVOKE.toMillis()); // the clients keep calling meanwhile

            // then nothing started after the call returned got through, on either instance
            Hammer.Tally tally = hammer.stop();
            System.out.printf("KeyRevocationIT revoke: %d requests before the revoke returned, %d after it (%s per instance),"
                    + " %d of them answered 200%n", tally.before(), tally.after(), tally.afterPerInstance(), tally.successesAfter());
            assertThat(tally.after()).as("requests after the revoke").isGreaterThan(100);
            assertThat(tally.afterPerInstance()).allSatisfy(n -> assertThat(n).isPositive());
            assertThat(tally.successesAfter()).as("requests with the revoked key answered 200: " + tally.firstSuccesses())
                    .isZero();
            assertThat(tally.otherThan401After()).as("answers other than 401 after the revoke").isEmpty();
        }
    }

    @Test
    void rotatedKeyWorksOnEveryInstanceAtOnceAndTheOldOneStopsWhenRevokedThroughTheOther() throws Exception {
        // given an app whose old key is busy on both instances
        String app = unique("rotate");
        String oldKey = admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString();
        long oldKeyId = admin.get("/apps/" + app + "/keys").json().get(0).get("id").asLong();
        Api throughSecond = TestServers.api(second, oldKey);
        try (Hammer hammer = new Hammer(app, oldKey)) {
            hammer.awaitSuccessesOnEveryInstance(100);

            // when the app rotates its key through the second instance
            Api.Response rotated = throughSecond.post("/apps/" + app + "/keys", null);
            assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
            String newKey = rotated.json().get("apiKey").asString();

            // then the new key works on both instances at once, and the old one until it is revoked
            for (String instance : instances) {
                assertThat(call(instance, app, newKey)).as("new key on " + instance).isEqualTo(200);
                assertThat(call(instance, app, oldKey)).as("old key on " + instance).isEqualTo(200);
            }
            try (Hammer onNew = new Hammer(app, newKey)) {
                // when the old key is revoked with the new one, through the second instance
                Api.Response revoked = throughSecond.as(newKey).delete("/apps/" + app + "/keys/" + oldKeyId);
                long returnedAt = System.nanoTime();
                assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
                hammer.revokedAt(returnedAt);
                onNew.revokedAt(returnedAt);
                Thread.sleep(AFTER_REVOKE.toMillis());

                // then the old key got nothing through afterwards, and the new one never failed
                Hammer.Tally old = hammer.stop();
                Hammer.Tally current = onNew.stop();
                System.out.printf("KeyRevocationIT rotate: old key %d requests after the revoke (%s per instance), %d answered 200;"
                        + " new key %d requests, %d not 200%n", old.after(), old.afterPerInstance(), old.successesAfter(),
                        current.before() + current.after(), current.failures());
                assertThat(old.after()).isGreaterThan(100);
                assertThat(old.successesAfter()).as("old key answered 200 after its revoke: " + old.firstSuccesses()).isZero();
                assertThat(current.failures()).as("new key refused: " + current.firstFailures()).isZero();
            }
        }
    }

    private int call(String instance, String app, String key) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(instance + "/api/v1/apps/" + app))
                .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30)).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** {@link #CLIENTS} threads calling {@code GET /apps/{app}} with one key, each alternating between the instances. */
    private final class Hammer implements AutoCloseable {

        record Tally(long before, long after, List<Long> afterPerInstance, long successesAfter, List<String> firstSuccesses,
                     List<String> otherThan401After, long failures, List<String> firstFailures) {
        }

        private final String app;
        private final String key;
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicLong revokedAt = new AtomicLong(Long.MAX_VALUE);
        private final AtomicLong before = new AtomicLong();
        private final AtomicLong[] okPerInstance;
        private final AtomicLong[] afterPerInstance;
        private final AtomicLong successesAfter = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        private final ConcurrentLinkedQueue<String> successes = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<String> others = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
        private final AtomicReference<Boolean> running = new AtomicReference<>(true);

        Hammer(String app, String key) {
            this.app = app;
            this.key = key;
            okPerInstance = new AtomicLong[instances.size()];
            afterPerInstance = new AtomicLong[instances.size()];
            for (int i = 0; i < instances.size(); i++) {
                okPerInstance[i] = new AtomicLong();
                afterPerInstance[i] = new AtomicLong();
            }
            for (int t = 0; t < CLIENTS; t++) {
                int first = t;
                Thread thread = new Thread(() -> run(first), "key-client-" + t);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }

        private void run(int first) {
            for (long n = first; running.get(); n++) {
                int i = (int) (n % instances.size());
                long started = System.nanoTime();
                int status = call(instances.get(i), app, key);
                boolean afterRevoke = started > revokedAt.get();
                if (status != 200) {
                    failures.incrementAndGet();
                    if (failed.size() < 5) {
                        failed.add(instances.get(i) + " " + status);
                    }
                }
                if (!afterRevoke) {
                    before.incrementAndGet();
                    if (status == 200) {
                        okPerInstance[i].incrementAndGet();
                    }
                    continue;
                }
                afterPerInstance[i].incrementAndGet();
                if (status == 200) {
                    successesAfter.incrementAndGet();
                    if (successes.size() < 5) {
                        successes.add(instances.get(i) + " " + Duration.ofNanos(started - revokedAt.get()).toMillis()
                                + " ms after the revoke returned");
                    }
                } else if (status != 401 && others.size() < 5) {
                    others.add(instances.get(i) + " " + status);
                }
            }
        }

        void awaitSuccessesOnEveryInstance(long each) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (AtomicLong ok : okPerInstance) {
                    if (ok.get() < each) {
                        return false;
                    }
                }
                return true;
            });
        }

        void revokedAt(long nanos) {
            revokedAt.set(nanos);
        }

        Tally stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(60_000);
            }
            long after = 0;
            List<Long> perInstance = new ArrayList<>();
            for (AtomicLong n : afterPerInstance) {
                after += n.get();
                perInstance.add(n.get());
            }
            return new Tally(before.get(), after, perInstance, successesAfter.get(), List.copyOf(successes), List.copyOf(others),
                    failures.get(), List.copyOf(failed));
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
