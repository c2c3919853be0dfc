package io.herald.sdk.testing;

import io.herald.sdk.Herald;
import io.herald.sdk.HeraldBuilder;
import io.herald.sdk.HeraldSettings;
import java.nio.file.Path;
import java.util.UUID;

/** Herald builders with test-friendly settings: fast polls, short back-offs, a cache folder per test. */
public final class TestHerald {

    private TestHerald() {
    }

    public static HeraldBuilder builder(String app, FakeControlPlane controlPlane) {
        return builder(app, controlPlane, Path.of("target", "herald-cache", UUID.randomUUID().toString()));
    }

    public static HeraldBuilder builder(String app, FakeControlPlane controlPlane, Path cacheDir) {
        HeraldBuilder b = Herald.builder()
                .withAppName(app)
                .withKafkaBootstrap(TestKafka.bootstrap())
                .withSetting(HeraldSettings.CONFIG_CACHE_DIR, cacheDir.toString())
                .withSetting(HeraldSettings.CONSUMER_POLL_TIMEOUT_MS, 100)
                .withSetting(HeraldSettings.CONSUMER_BACKOFF_MS, 50)
                .withSetting(HeraldSettings.CONSUMER_BACKOFF_MAX_MS, 200)
                .withSetting(HeraldSettings.CONTROL_PLANE_RETRY_BACKOFF_MS, 200)
                .withSetting(HeraldSettings.CONTROL_PLANE_RETRY_BACKOFF_MAX_MS, 500)
                .withSetting(HeraldSettings.CONTROL_PLANE_STARTUP_TIMEOUT_MS, 2_000)
                .withSetting(HeraldSettings.HEARTBEAT_INTERVAL_MS, 500)
                .withSetting(HeraldSettings.SHUTDOWN_TIMEOUT_MS, 5_000);
        if (controlPlane != null) {
            b.withControlPlane(controlPlane.url(), controlPlane.apiKey());
        }
        return b;
    }
}
