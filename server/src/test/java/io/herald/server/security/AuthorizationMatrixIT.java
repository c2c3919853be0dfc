package io.herald.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.support.Api;
import io.herald.server.support.ServerTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every management API endpoint with the caller it needs. No token answers 401, the wrong app's
 * key 403, the right caller gets through. An endpoint missing from this table fails the build.
 */
class AuthorizationMatrixIT extends ServerTest {

    enum Needs { ADMIN, OWNER, ANY }

    /** One fixture per row: app A (owner) with topic, type, binding, processor; app B (stranger). */
    record Fixture(String appA, String keyA, String appB, String keyB, String topic, String spareTopic, long bindingId,
                   long processorId, long keyIdA, String soleGroup) {
    }

    record Row(String method, String pattern, Needs needs, Function<Fixture, String> path,
               Function<Fixture, Object> body) {
    }

    private static final List<Row> MATRIX = new ArrayList<>();

    private static void row(String method, String pattern, Needs needs, Function<Fixture, String> path,
                            Function<Fixture, Object> body) {
        MATRIX.add(new Row(method, pattern, needs, path, body));
    }

    static {
        row("POST", "/api/v1/apps", Needs.ADMIN, f -> "/apps", f -> Map.of("name", unique("m")));
        row("GET", "/api/v1/apps", Needs.ANY, f -> "/apps", f -> null);
        row("GET", "/api/v1/apps/{app}", Needs.OWNER, f -> "/apps/" + f.appA(), f -> null);
        row("PATCH", "/api/v1/apps/{app}", Needs.OWNER, f -> "/apps/" + f.appA(), f -> Map.of("description", "d"));
        row("DELETE", "/api/v1/apps/{app}", Needs.ADMIN, f -> "/apps/" + f.appB(), f -> null);
        row("POST", "/api/v1/apps/{app}/keys", Needs.OWNER, f -> "/apps/" + f.appA() + "/keys", f -> null);
        row("GET", "/api/v1/apps/{app}/keys", Needs.OWNER, f -> "/apps/" + f.appA() + "/keys", f -> null);
        row("DELETE", "/api/v1/apps/{app}/keys/{id}", Needs.OWNER, f -> "/apps/" + f.appA() + "/keys/" + f.keyIdA(), f -> null);
        row("GET", "/api/v1/apps/{app}/instances", Needs.OWNER, f -> "/apps/" + f.appA() + "/instances", f -> null);
        row("DELETE", "/api/v1/apps/{app}/instances/{instanceId}", Needs.OWNER,
                f -> "/apps/" + f.appA() + "/instances/" + io.herald.server.schedule.MatrixFixtures.instance(f.appA()), f -> null);
        row("GET", "/api/v1/apps/{app}/asyncapi", Needs.OWNER, f -> "/apps/" + f.appA() + "/asyncapi", f -> null);
        row("GET", "/api/v1/asyncapi", Needs.ANY, f -> "/asyncapi", f -> null);
        row("POST", "/api/v1/topics", Needs.OWNER, f -> "/topics",
                f -> Map.of("name", unique("mt"), "app", f.appA(), "partitions", 1, "replicationFactor", 1));
        row("GET", "/api/v1/topics", Needs.ANY, f -> "/topics", f -> null);
        row("GET", "/api/v1/topics/{topic}", Needs.ANY, f -> "/topics/" + f.topic(), f -> null);
        row("PATCH", "/api/v1/topics/{topic}", Needs.OWNER, f -> "/topics/" + f.topic(), f -> Map.of("description", "d"));
        row("DELETE", "/api/v1/topics/{topic}", Needs.OWNER, f -> "/topics/" + f.spareTopic(), f -> null);
        row("GET", "/api/v1/topics/{topic}/types", Needs.ANY, f -> "/topics/" + f.topic() + "/types", f -> null);
        row("GET", "/api/v1/topics/{topic}/types/{type}/schemas", Needs.ANY, f -> "/topics/" + f.topic() + "/types/t3/schemas",
                f -> null);
        row("GET", "/api/v1/topics/{topic}/types/{type}/schemas/{version}", Needs.ANY,
                f -> "/topics/" + f.topic() + "/types/t3/schemas/1", f -> null);
        row("POST", "/api/v1/topics/{topic}/types", Needs.OWNER, f -> "/topics/" + f.topic() + "/types", f -> Map.of("name", "n2"));
        row("PATCH", "/api/v1/topics/{topic}/types/{type}", Needs.OWNER, f -> "/topics/" + f.topic() + "/types/t1",
                f -> Map.of("description", "d"));
        row("DELETE", "/api/v1/topics/{topic}/types/{type}", Needs.OWNER, f -> "/topics/" + f.topic() + "/types/t2", f -> null);
        row("POST", "/api/v1/bindings", Needs.OWNER, f -> "/bindings",
                f -> Map.of("app", f.appA(), "group", "g2-" + f.appA(), "topic", f.topic(), "kind", "FANOUT"));
        row("GET", "/api/v1/bindings", Needs.ANY, f -> "/bindings", f -> null);
        row("GET", "/api/v1/bindings/{id}", Needs.OWNER, f -> "/bindings/" + f.bindingId(), f -> null);
        row("PATCH", "/api/v1/bindings/{id}", Needs.OWNER, f -> "/bindings/" + f.bindingId(), f -> Map.of("paused", true));
        row("DELETE", "/api/v1/bindings/{id}", Needs.OWNER, f -> "/bindings/" + f.bindingId(), f -> null);
        row("GET", "/api/v1/bindings/{group}/{topic}", Needs.OWNER, f -> "/bindings/" + f.soleGroup() + "/" + f.topic(), f -> null);
        row("PATCH", "/api/v1/bindings/{group}/{topic}", Needs.OWNER, f -> "/bindings/" + f.soleGroup() + "/" + f.topic(),
                f -> Map.of("paused", true));
        row("DELETE", "/api/v1/bindings/{group}/{topic}", Needs.OWNER, f -> "/bindings/" + f.soleGroup() + "/" + f.topic(),
                f -> null);
        row("POST", "/api/v1/processors", Needs.OWNER, f -> "/processors", f -> Map.of("bindingId", f.bindingId(),
                "address", "http://127.0.0.1:9/x"));
        row("GET", "/api/v1/processors", Needs.ANY, f -> "/processors", f -> null);
        row("GET", "/api/v1/processors/{id}", Needs.OWNER, f -> "/processors/" + f.processorId(), f -> null);
        row("PATCH", "/api/v1/processors/{id}", Needs.OWNER, f -> "/processors/" + f.processorId(), f -> Map.of("paused", true));
        row("DELETE", "/api/v1/processors/{id}", Needs.OWNER, f -> "/processors/" + f.processorId(), f -> null);
        row("GET", "/api/v1/config/{app}", Needs.OWNER, f -> "/config/" + f.appA() + "?since=0", f -> null);
        row("POST", "/api/v1/clients/heartbeat", Needs.OWNER, f -> "/clients/heartbeat",
                f -> Map.of("app", f.appA(), "instanceId", "i-1", "host", "h", "sdkVersion", "1", "appliedConfigVersion", 1));
        row("GET", "/api/v1/audit", Needs.ADMIN, f -> "/audit", f -> null);
        // trace and replay
        row("GET", "/api/v1/messages/{id}/trace", Needs.OWNER,
                f -> "/messages/" + io.herald.server.trace.TraceFixtures.seedSent(f.topic(), 0, 0) + "/trace", f -> null);
        row("GET", "/api/v1/traces", Needs.ANY, f -> "/traces?topic=" + f.topic(), f -> null);
        row("POST", "/api/v1/replays", Needs.OWNER, f -> "/replays", f -> Map.of("topic", f.topic(),
                "from", java.time.Instant.now().minusSeconds(3600).toString(), "target", Map.of("group", "g-" + f.appA())));
        row("GET", "/api/v1/replays", Needs.ANY, f -> "/replays", f -> null);
        row("GET", "/api/v1/replays/{id}", Needs.OWNER,
                f -> "/replays/" + io.herald.server.replay.ReplayFixtures.heldJob(f.appA(), f.topic()), f -> null);
        row("POST", "/api/v1/replays/{id}/cancel", Needs.OWNER,
                f -> "/replays/" + io.herald.server.replay.ReplayFixtures.heldJob(f.appA(), f.topic()) + "/cancel", f -> null);
        row("POST", "/api/v1/messages/{id}/replay", Needs.OWNER,
                f -> "/messages/" + io.herald.server.trace.TraceFixtures.seedSent(f.topic(), 0, 0) + "/replay",
                f -> Map.of("target", Map.of("group", "g-" + f.appA())));
        row("GET", "/api/v1/dead-letters", Needs.OWNER, f -> "/dead-letters?topic=" + f.topic() + "&group=g-" + f.appA(), f -> null);
        row("POST", "/api/v1/dead-letters/redrive", Needs.OWNER, f -> "/dead-letters/redrive",
                f -> Map.of("topic", f.topic(), "group", "g-" + f.appA(), "all", true));
        // end trace and replay
        // two-phase transactions
        row("GET", "/api/v1/transactions", Needs.ANY, f -> "/transactions", f -> null);
        row("GET", "/api/v1/transactions/{id}", Needs.OWNER,
                f -> "/transactions/" + io.herald.server.tx.TxFixtures.pending(f.appA(), f.topic()), f -> null);
        row("POST", "/api/v1/transactions/{id}/commit", Needs.OWNER,
                f -> "/transactions/" + io.herald.server.tx.TxFixtures.pending(f.appA(), f.topic()) + "/commit", f -> null);
        row("POST", "/api/v1/transactions/{id}/rollback", Needs.OWNER,
                f -> "/transactions/" + io.herald.server.tx.TxFixtures.pending(f.appA(), f.topic()) + "/rollback", f -> null);
        row("POST", "/api/v1/transactions/{id}/publish", Needs.OWNER,
                f -> "/transactions/" + io.herald.server.tx.TxFixtures.discarded(f.appA(), f.topic()) + "/publish", f -> null);
        row("GET", "/api/v1/producer-settings/{app}", Needs.OWNER, f -> "/producer-settings/" + f.appA(), f -> null);
        row("PUT", "/api/v1/producer-settings/{app}", Needs.OWNER, f -> "/producer-settings/" + f.appA(),
                f -> Map.of("checkProtocol", "KAFKA", "checkIntervalMs", 30000, "maxChecks", 15));
        // end two-phase transactions
        row("POST", "/api/v1/topics/{topic}/events", Needs.OWNER, f -> "/topics/" + f.topic() + "/events?type=t1",
                f -> Map.of("amount", 1));
        row("GET", "/api/v1/delayed", Needs.ANY, f -> "/delayed", f -> null);
        row("GET", "/api/v1/delayed/{id}", Needs.OWNER,
                f -> "/delayed/" + io.herald.server.schedule.MatrixFixtures.delayed(f.appA(), f.topic()), f -> null);
        row("DELETE", "/api/v1/delayed/{id}", Needs.OWNER,
                f -> "/delayed/" + io.herald.server.schedule.MatrixFixtures.delayed(f.appA(), f.topic()), f -> null);
        row("POST", "/api/v1/schedules", Needs.OWNER, f -> "/schedules", f -> Map.of("app", f.appA(), "name", unique("ms"),
                "topic", f.topic(), "type", "t1", "cron", "0 0 * * * *"));
        row("GET", "/api/v1/schedules", Needs.ANY, f -> "/schedules", f -> null);
        row("GET", "/api/v1/schedules/{id}", Needs.OWNER,
                f -> "/schedules/" + io.herald.server.schedule.MatrixFixtures.schedule(f.appA(), f.topic()), f -> null);
        row("GET", "/api/v1/schedules/{id}/history", Needs.OWNER,
                f -> "/schedules/" + io.herald.server.schedule.MatrixFixtures.schedule(f.appA(), f.topic()) + "/history", f -> null);
        row("PATCH", "/api/v1/schedules/{id}", Needs.OWNER,
                f -> "/schedules/" + io.herald.server.schedule.MatrixFixtures.schedule(f.appA(), f.topic()), f -> Map.of("paused", true));
        row("DELETE", "/api/v1/schedules/{id}", Needs.OWNER,
                f -> "/schedules/" + io.herald.server.schedule.MatrixFixtures.schedule(f.appA(), f.topic()), f -> null);
    }

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void everyApiEndpointIsInTheMatrix() {
        Set<String> served = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            for (String pattern : info.getPatternValues()) {
                if (pattern.startsWith("/api/")) {
                    info.getMethodsCondition().getMethods().forEach(m -> served.add(m.name() + " " + pattern));
                }
            }
        });
        Set<String> listed = new TreeSet<>();
        MATRIX.forEach(r -> listed.add(r.method() + " " + r.pattern()));
        assertThat(listed).as("endpoints in the authorization matrix").isEqualTo(served);
    }

    @Test
    void everyEndpointAnswers401WithoutToken403ToStrangersAndServesTheRightCaller() {
        Map<String, String> failures = new LinkedHashMap<>();
        for (Row row : MATRIX) {
            Fixture f = fixture();
            String path = row.path().apply(f);
            Object body = row.body().apply(f);
            String name = row.method() + " " + row.pattern();

            Api.Response none = anonymous.send(row.method(), path, body);
            if (none.status() != 401 || !none.isProblem()) {
                failures.put(name + " without token", none.toString());
            }
            Api.Response garbage = anonymous.as("hk_not-a-real-key").send(row.method(), path, body);
            if (garbage.status() != 401) {
                failures.put(name + " with a wrong token", garbage.toString());
            }
            if (row.needs() != Needs.ANY) {
                Api.Response stranger = anonymous.as(row.needs() == Needs.ADMIN ? f.keyA() : f.keyB()).send(row.method(), path, body);
                if (stranger.status() != 403 || !stranger.isProblem()) {
                    failures.put(name + " by " + (row.needs() == Needs.ADMIN ? "an app key" : "another app's key"), stranger.toString());
                }
            }
            Api.Response allowed = anonymous.as(row.needs() == Needs.ADMIN ? ADMIN_TOKEN : f.keyA()).send(row.method(), path, body);
            if (allowed.status() >= 300) {
                failures.put(name + " by the right caller", allowed.toString());
            }
        }
        assertThat(failures).isEmpty();
    }

    private Fixture fixture() {
        String a = unique("ma");
        String b = unique("mb");
        String keyA = admin.post("/apps", Map.of("name", a)).json().get("apiKey").asString();
        String keyB = admin.post("/apps", Map.of("name", b)).json().get("apiKey").asString();
        String topic = unique("mtopic");
        Api.Response t = admin.post("/topics", Map.of("name", topic, "app", a, "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "t1"), Map.of("name", "t2"),
                        Map.of("name", "t3", "jsonSchema", Map.of("type", "object")))));
        assertThat(t.status()).as(t.toString()).isEqualTo(201);
        long binding = admin.post("/bindings", Map.of("app", a, "group", "g-" + a, "topic", topic, "kind", "FANOUT"))
                .json().get("id").asLong();
        long binding2 = admin.post("/bindings", Map.of("app", a, "group", "g-" + a, "topic", topic, "kind", "DIRECT",
                "typePattern", "t1")).json().get("id").asLong();
        long processor = admin.post("/processors", Map.of("bindingId", binding2, "address", "http://127.0.0.1:9/p"))
                .json().get("id").asLong();
        long keyId = admin.post("/apps/" + a + "/keys", null).json().get("id").asLong();
        String spare = unique("mspare");
        assertThat(admin.post("/topics", Map.of("name", spare, "app", a, "partitions", 1, "replicationFactor", 1)).status())
                .isEqualTo(201);
        String soleGroup = "s-" + a;
        assertThat(admin.post("/bindings", Map.of("app", a, "group", soleGroup, "topic", topic, "kind", "FANOUT")).status())
                .isEqualTo(201);
        return new Fixture(a, keyA, b, keyB, topic, spare, binding, processor, keyId, soleGroup);
    }
}
