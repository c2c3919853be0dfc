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
import java.util.function.BiFunction;
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
        row("GET", "/api/v1/topics/{topic}/settings", Needs.ANY, f -> "/topics/" + f.topic() + "/settings", f -> null);
        row("PATCH", "/api/v1/topics/{topic}/settings", Needs.OWNER, f -> "/topics/" + f.topic() + "/settings",
                f -> Map.of("compression.type", "lz4"));
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
        row("POST", "/api/v1/topics/{topic}/search", Needs.OWNER, f -> "/topics/" + f.topic() + "/search",
                f -> Map.of("text", "x"));
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
        // consumer groups and the cluster: the admin's
        row("GET", "/api/v1/consumer-groups", Needs.ADMIN, f -> "/consumer-groups", f -> null);
        row("GET", "/api/v1/consumer-groups/{group}", Needs.ADMIN,
                f -> "/consumer-groups/" + io.herald.server.cluster.GroupFixtures.committed(f.topic(), 0), f -> null);
        row("POST", "/api/v1/consumer-groups/{group}/reset-offsets", Needs.ADMIN,
                f -> "/consumer-groups/" + io.herald.server.cluster.GroupFixtures.committed(f.topic(), 0) + "/reset-offsets",
                f -> Map.of("topic", f.topic(), "to", "EARLIEST"));
        row("DELETE", "/api/v1/consumer-groups/{group}", Needs.ADMIN,
                f -> "/consumer-groups/" + io.herald.server.cluster.GroupFixtures.committed(f.topic(), 0), f -> null);
        row("GET", "/api/v1/cluster", Needs.ADMIN, f -> "/cluster", f -> null);
        row("GET", "/api/v1/cluster/brokers/{id}", Needs.ADMIN,
                f -> "/cluster/brokers/" + io.herald.server.cluster.GroupFixtures.brokerId(), f -> null);
        // end consumer groups and the cluster
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

    // ---------------------------------------------------------------- RESTRICTED topics

    /**
     * A RESTRICTED topic of app A that grants app G; app S (a stranger) bound it while it was OPEN, so
     * S's binding is blocked now. Each app has a binding in group {@code g-<app>}; a message is traced.
     */
    record Restricted(String topic, Map<String, String> keys, Map<String, Long> bindings, String messageId) {
        String app(char who) {
            return keys.keySet().stream().filter(a -> a.startsWith("r" + who)).findFirst().orElseThrow();
        }
    }

    record RestrictedRow(String method, String pattern, BiFunction<Restricted, String, String> path,
                         BiFunction<Restricted, String, Object> body) {
    }

    /** Every endpoint that binds, reads, traces or replays one topic: the owner and a granted app pass, others get 403. */
    private static final List<RestrictedRow> RESTRICTED = List.of(
            new RestrictedRow("GET", "/api/v1/topics/{topic}", (f, app) -> "/topics/" + f.topic(), (f, app) -> null),
            new RestrictedRow("GET", "/api/v1/topics/{topic}/settings", (f, app) -> "/topics/" + f.topic() + "/settings",
                    (f, app) -> null),
            new RestrictedRow("GET", "/api/v1/topics/{topic}/types", (f, app) -> "/topics/" + f.topic() + "/types", (f, app) -> null),
            new RestrictedRow("GET", "/api/v1/topics/{topic}/types/{type}/schemas",
                    (f, app) -> "/topics/" + f.topic() + "/types/t3/schemas", (f, app) -> null),
            new RestrictedRow("GET", "/api/v1/topics/{topic}/types/{type}/schemas/{version}",
                    (f, app) -> "/topics/" + f.topic() + "/types/t3/schemas/1", (f, app) -> null),
            new RestrictedRow("POST", "/api/v1/bindings", (f, app) -> "/bindings",
                    (f, app) -> Map.of("app", app, "group", "n-" + app, "topic", f.topic(), "kind", "FANOUT")),
            new RestrictedRow("PATCH", "/api/v1/bindings/{id}", (f, app) -> "/bindings/" + f.bindings().get(app),
                    (f, app) -> Map.of("paused", true)),
            new RestrictedRow("PATCH", "/api/v1/bindings/{group}/{topic}", (f, app) -> "/bindings/g-" + app + "/" + f.topic(),
                    (f, app) -> Map.of("deliveryLimit", 7)),
            new RestrictedRow("POST", "/api/v1/processors", (f, app) -> "/processors",
                    (f, app) -> Map.of("bindingId", f.bindings().get(app), "address", "http://127.0.0.1:9/x")),
            new RestrictedRow("GET", "/api/v1/traces", (f, app) -> "/traces?topic=" + f.topic(), (f, app) -> null),
            new RestrictedRow("GET", "/api/v1/messages/{id}/trace", (f, app) -> "/messages/" + f.messageId() + "/trace",
                    (f, app) -> null),
            new RestrictedRow("POST", "/api/v1/replays", (f, app) -> "/replays", (f, app) -> Map.of("topic", f.topic(),
                    "from", java.time.Instant.now().minusSeconds(3600).toString(), "target", Map.of("group", "g-" + app))),
            new RestrictedRow("POST", "/api/v1/messages/{id}/replay", (f, app) -> "/messages/" + f.messageId() + "/replay",
                    (f, app) -> Map.of("target", Map.of("group", "g-" + app))),
            new RestrictedRow("GET", "/api/v1/dead-letters", (f, app) -> "/dead-letters?topic=" + f.topic() + "&group=g-" + app,
                    (f, app) -> null),
            new RestrictedRow("POST", "/api/v1/dead-letters/redrive", (f, app) -> "/dead-letters/redrive",
                    (f, app) -> Map.of("topic", f.topic(), "group", "g-" + app, "all", true)));

    @Test
    void aRestrictedTopicServesItsOwnerAndGrantedAppsAndRefusesOthersNamingTheTopic() {
        Map<String, String> failures = new LinkedHashMap<>();
        for (RestrictedRow row : RESTRICTED) {
            Restricted f = restricted();
            String name = row.method() + " " + row.pattern();
            for (char who : new char[] {'a', 'g', 's'}) {
                String app = f.app(who);
                Api.Response r = anonymous.as(f.keys().get(app)).send(row.method(), row.path().apply(f, app), row.body().apply(f, app));
                String role = who == 'a' ? "the owner" : who == 'g' ? "a granted app" : "an app not granted";
                if (who == 's') {
                    if (r.status() != 403 || !r.isProblem() || !r.json().path("detail").asString().contains("'" + f.topic() + "'")) {
                        failures.put(name + " by " + role, r.toString());
                    }
                } else if (r.status() >= 300) {
                    failures.put(name + " by " + role, r.toString());
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void listsConfigAndCatalogsOfAnAppNotGrantedLeaveTheRestrictedTopicOut() {
        Restricted f = restricted();
        Api owner = anonymous.as(f.keys().get(f.app('a')));
        Api granted = anonymous.as(f.keys().get(f.app('g')));
        Api stranger = anonymous.as(f.keys().get(f.app('s')));
        String quoted = "\"" + f.topic() + "\"";

        assertThat(names(owner.get("/topics?q=" + f.topic()).json().path("items"))).containsExactly(f.topic());
        assertThat(names(granted.get("/topics?q=" + f.topic()).json().path("items"))).containsExactly(f.topic());
        Api.Response list = stranger.get("/topics?q=" + f.topic());
        assertThat(list.json().path("items").size()).as(list.toString()).isZero();
        assertThat(list.json().path("total").asLong()).isZero();

        assertThat(granted.get("/asyncapi").body()).contains(quoted);
        assertThat(stranger.get("/asyncapi").body()).doesNotContain(quoted);
        assertThat(stranger.get("/apps/" + f.app('s') + "/asyncapi").body()).doesNotContain(quoted);

        Api.Response config = stranger.get("/config/" + f.app('s') + "?since=0");
        assertThat(config.status()).isEqualTo(200);
        assertThat(names(config.json().path("topics"))).doesNotContain(f.topic());
        assertThat(config.json().path("bindings").toString()).doesNotContain(quoted);
        assertThat(config.json().path("blocked").get(0).asString())
                .contains("binding " + f.bindings().get(f.app('s')), "'" + f.topic() + "'", "RESTRICTED");
        assertThat(names(granted.get("/config/" + f.app('g') + "?since=0").json().path("topics"))).contains(f.topic());

        // the stranger's binding is listed as blocked and may be deleted
        Api.Response bindings = stranger.get("/bindings?topic=" + f.topic());
        assertThat(bindings.json().size()).isEqualTo(1);
        assertThat(bindings.json().get(0).path("blocked").asBoolean()).isTrue();
        assertThat(granted.get("/bindings?topic=" + f.topic()).json().get(0).path("blocked").asBoolean()).isFalse();
        assertThat(stranger.delete("/bindings/" + f.bindings().get(f.app('s'))).status()).isEqualTo(204);
    }

    private static List<String> names(tools.jackson.databind.JsonNode items) {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.add(i.path("name").asString()));
        return out;
    }

    private Restricted restricted() {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String prefix : List.of("ra", "rg", "rs")) {
            String app = unique(prefix);
            keys.put(app, admin.post("/apps", Map.of("name", app)).json().get("apiKey").asString());
        }
        List<String> apps = List.copyOf(keys.keySet());
        String topic = unique("rtopic");
        Api.Response t = admin.post("/topics", Map.of("name", topic, "app", apps.get(0), "partitions", 1, "replicationFactor", 1,
                "types", List.of(Map.of("name", "t1"), Map.of("name", "t3", "jsonSchema", Map.of("type", "object")))));
        assertThat(t.status()).as(t.toString()).isEqualTo(201);
        Map<String, Long> bindings = new LinkedHashMap<>();
        for (String app : apps) {
            Api.Response b = admin.post("/bindings", Map.of("app", app, "group", "g-" + app, "topic", topic, "kind", "FANOUT"));
            assertThat(b.status()).as(b.toString()).isEqualTo(201);
            bindings.put(app, b.json().get("id").asLong());
        }
        Api.Response restrict = anonymous.as(keys.get(apps.get(0))).patch("/topics/" + topic,
                Map.of("consumerPolicy", "RESTRICTED", "consumers", List.of(apps.get(1))));
        assertThat(restrict.status()).as(restrict.toString()).isEqualTo(200);
        return new Restricted(topic, keys, bindings, io.herald.server.trace.TraceFixtures.seedSent(topic, 0, 0));
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
