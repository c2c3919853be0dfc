package io.herald.server.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.Timepoint;
import io.herald.server.schedule.MatrixFixtures;
import io.herald.server.support.BrowserTest;
import io.herald.server.trace.TraceFixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Finding things in the console, in a real browser: dead letters from the navigation with an overview of
 * every dead-letter topic, the Traces page opening on recent failures, delayed events listed and
 * cancelled, a message's timeline on the broker's clock, and the message browser reading without
 * warnings in the server log.
 */
class ConsoleFindingThingsIT extends BrowserTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    /** An app owning a topic (2 partitions, type order.created) with a FANOUT binding of its group. */
    private record Setup(String app, String topic, String group, long binding, String deadLetterTopic) {
    }

    private Setup setup() {
        String app = unique("find");
        assertThat(admin.post("/apps", Map.of("name", app)).status()).isEqualTo(201);
        String topic = unique("orders");
        var t = admin.post("/topics", Map.of("name", topic, "app", app, "partitions", 2, "replicationFactor", 1,
                "types", List.of(Map.of("name", "order.created"))));
        assertThat(t.status()).as(t.toString()).isEqualTo(201);
        String group = unique("billing");
        var b = admin.post("/bindings", Map.of("app", app, "group", group, "topic", topic, "kind", "FANOUT"));
        assertThat(b.status()).as(b.toString()).isEqualTo(201);
        return new Setup(app, topic, group, b.json().get("id").asLong(), b.json().get("deadLetterTopic").asString());
    }

    private static RecordMetadata send(String topic, Integer partition, long timestamp, String id, String value,
                                       Map<String, String> headers) throws Exception {
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, partition, timestamp, "k-" + id, value);
        r.headers().add(HeraldHeaders.CE_ID, id.getBytes(StandardCharsets.UTF_8));
        r.headers().add(HeraldHeaders.CE_TYPE, "order.created".getBytes(StandardCharsets.UTF_8));
        headers.forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        return TraceFixtures.producer().send(r).get(60, TimeUnit.SECONDS);
    }

    @Test
    void deadLettersAreInTheNavigationWithEveryDeadLetterTopicsSizeOldestAndNewestBeforePickingOne() throws Exception {
        // given: three dead letters of the group, stamped ten, five and one minute ago, over both partitions
        Setup s = setup();
        Instant now = Instant.now();
        Instant oldest = now.minusSeconds(600);
        Instant newest = now.minusSeconds(60);
        Map<String, String> why = Map.of(HeraldHeaders.DLT_REASON, "EXHAUSTED", HeraldHeaders.DLT_ORIGINAL_TOPIC, s.topic());
        send(s.deadLetterTopic(), 0, oldest.toEpochMilli(), unique("d"), "{}", why);
        send(s.deadLetterTopic(), 1, now.minusSeconds(300).toEpochMilli(), unique("d"), "{}", why);
        send(s.deadLetterTopic(), 0, newest.toEpochMilli(), unique("d"), "{}", why);

        // when: the user follows "Dead letters" in the navigation
        page.navigate(baseUrl() + "/");
        page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Main"))
                .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Dead letters")).click();
        page.waitForURL(baseUrl() + "/dead-letters");

        // then: every binding's dead-letter topic is listed with its size, oldest and newest record
        Locator row = page.locator("#dead-letter-topics tbody tr").filter(new Locator.FilterOptions().setHasText(s.group()));
        assertThat(row).hasCount(1);
        assertThat(row).containsText(s.deadLetterTopic());
        assertThat(row).containsText("#" + s.binding());
        assertThat(row.locator("td").nth(4)).hasText("3");
        assertThat(row.locator("td").nth(5)).containsText(SHOWN.format(oldest));
        assertThat(row.locator("td").nth(6)).containsText(SHOWN.format(newest));
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Dead letters").setExact(true)))
                .hasAttribute("aria-current", "page");
        shot("dead-letters-overview");

        // and: picking one lists its dead letters
        row.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Dead letters of " + s.group() + " on " + s.topic())).click();
        page.waitForURL(Pattern.compile(".*/dead-letters\\?binding=" + s.binding()));
        assertThat(page.locator("#redrive-form tbody tr")).hasCount(3);
        assertThat(consoleProblems).isEmpty();
    }

    @Test
    void theTracesPageOpensOnTheMessagesThatFailedInTheLastHour() {
        // given: one message that failed in a group a minute ago, one handled, one that failed two hours ago
        Setup s = setup();
        long now = System.currentTimeMillis();
        String failed = unique("failed");
        String handled = unique("handled");
        String old = unique("old-failure");
        TraceFixtures.ship(TraceFixtures.tp(failed, Timepoint.SENT, now - 60_000, s.topic(), "k1", null, null, null),
                TraceFixtures.tp(failed, Timepoint.FAILED, now - 59_000, s.topic(), "k1", s.group(), 1, "IllegalStateException: boom"),
                TraceFixtures.tp(handled, Timepoint.SENT, now - 30_000, s.topic(), "k2", null, null, null),
                TraceFixtures.tp(handled, Timepoint.HANDLED, now - 29_000, s.topic(), "k2", s.group(), 1, null),
                TraceFixtures.tp(old, Timepoint.FAILED, now - 7_200_000, s.topic(), "k3", s.group(), 1, "boom"));
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/messages/" + handled + "/trace").status() == 200
                && admin.get("/messages/" + failed + "/trace").status() == 200 && admin.get("/messages/" + old + "/trace").status() == 200);

        // when: the user opens Traces from the navigation
        page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Main"))
                .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Traces")).click();
        page.waitForURL(baseUrl() + "/traces");

        // then: the recent failure is listed without searching; the handled and the old ones are not
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Failed in the last hour"))).isVisible();
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(failed))).isVisible();
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(handled))).hasCount(0);
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(old))).hasCount(0);
        assertThat(page.getByLabel("Failed only")).not().isChecked(); // the next search is not narrowed by this view
        shot("traces-recent-failures");
        assertThat(consoleProblems).isEmpty();
    }

    @Test
    void delayedEventsAreListedAndAnEditorCancelsOneBeforeItIsDue() {
        // given: two delayed events of an app, due in an hour
        Setup s = setup();
        String keep = MatrixFixtures.delayed(s.app(), s.topic());
        String cancel = MatrixFixtures.delayed(s.app(), s.topic());

        // when: the user goes from Schedules to all delayed events of the app and cancels one
        page.navigate(baseUrl() + "/schedules");
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("All delayed events")).click();
        page.waitForURL(baseUrl() + "/delayed");
        page.getByLabel("App").fill(s.app());
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show")).click();
        Locator rows = page.locator(".delayed-events tbody tr");
        assertThat(rows).hasCount(2);
        shot("delayed-events");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Cancel delayed event " + cancel)).click();

        // then: it is gone from the list and from the store, the other one stays, and the audit says who did it
        assertThat(page.getByText("Cancelled delayed event " + cancel)).isVisible();
        assertThat(page.locator(".delayed-events")).not().containsText(cancel);
        assertThat(admin.get("/delayed/" + cancel).status()).isEqualTo(404);
        assertThat(admin.get("/delayed/" + keep).status()).isEqualTo(200);
        var audit = admin.get("/audit?objectType=delayed-event&objectId=" + cancel).json();
        assertThat(audit.toString()).contains("cancel").contains("admin");
        assertThat(consoleProblems).isEmpty();
    }

    @Test
    void aTimelineIsInTheOrderOfTheBrokersClockExplainsPositionsAndPrettyPrintsTheJsonPayload() throws Exception {
        // given: a record whose consumer's clock is 40 ms behind its producer's
        Setup s = setup();
        long stamped = System.currentTimeMillis() - 5_000;
        String id = unique("m");
        RecordMetadata m = send(s.topic(), 0, stamped, id, "{\"note\":\"<b>bold</b>\",\"n\":1}", Map.of());
        TraceFixtures.ship(
                new Timepoint(id, Timepoint.SENT, stamped + 3, s.topic(), "order.created", "k", s.app(), null, "producer-1",
                        m.partition(), m.offset(), stamped, 3L, null, null, null, null),
                new Timepoint(id, Timepoint.RECEIVED, stamped - 37, s.topic(), "order.created", "k", s.app(), s.group(),
                        "consumer-1", m.partition(), m.offset(), stamped, null, 1, null, null, null),
                new Timepoint(id, Timepoint.HANDLED, stamped - 25, s.topic(), "order.created", "k", s.app(), s.group(),
                        "consumer-1", m.partition(), m.offset(), stamped, 12L, 1, null, null, null));
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/messages/" + id + "/trace").json().path("timeline").size() == 3);

        // when
        page.navigate(baseUrl() + "/traces/messages/" + id);

        // then: received after sent, nothing negative, and the consumer's own 12 ms kept
        Locator steps = page.locator("#timeline tbody tr");
        assertThat(steps).hasCount(3);
        assertThat(steps.nth(0)).containsText("SENT");
        assertThat(steps.nth(1)).containsText("RECEIVED");
        assertThat(steps.nth(2)).containsText("HANDLED");
        assertThat(steps.nth(2)).containsText("+12 ms");
        assertThat(steps.nth(1)).containsText("clock of this instance moved 40 ms forward");
        assertThat(page.locator("#latency dd").nth(1)).hasText("0 ms"); // acknowledged → received
        assertThat(page.locator("#timeline")).not().containsText("+-");
        // partition@offset says what it is
        assertThat(steps.nth(0).locator("abbr.position")).hasText(m.partition() + "@" + m.offset());
        assertThat(steps.nth(0).locator("abbr.position")).hasAttribute("title",
                "Kafka partition " + m.partition() + ", offset " + m.offset());
        assertThat(page.locator("#timeline-legend")).containsText("partition 0, offset 5");
        // the payload indented like in the message browser, and markup in it is text
        assertThat(page.locator("#payload").textContent()).isEqualTo("{\n  \"note\" : \"<b>bold</b>\",\n  \"n\" : 1\n}");
        assertThat(page.locator("#payload b")).hasCount(0);
        shot("trace-broker-clock");
        assertThat(consoleProblems).isEmpty();
    }

    @Test
    void readingMessagesInTheBrowserLeavesNoWarningInTheServerLog() throws Exception {
        // given: messages on both partitions of a topic
        Setup s = setup();
        long now = System.currentTimeMillis();
        for (int i = 0; i < 4; i++) {
            send(s.topic(), i % 2, now, unique("msg"), "{\"i\":" + i + "}", Map.of());
        }
        Logger kafka = (Logger) LoggerFactory.getLogger("org.apache.kafka");
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        kafka.addAppender(log);
        try {
            // when: the user reads them, newest first and from a time
            page.navigate(baseUrl() + "/topics/" + s.topic() + "/messages");
            shot("messages-read");
            assertThat(page.locator(".msg-body")).hasCount(4);
            page.navigate(baseUrl() + "/topics/" + s.topic() + "/messages?mode=time&from="
                    + Instant.ofEpochMilli(now - 60_000).toString());
            assertThat(page.locator(".msg-body")).hasCount(4);
        } finally {
            kafka.detachAppender(log);
        }

        // then: the console's reads said nothing at WARN (before: two lines per partition and read)
        assertThat(log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .filter(e -> e.getFormattedMessage().contains("herald-console-browser")).map(ILoggingEvent::getFormattedMessage))
                .isEmpty();
        assertThat(consoleProblems).isEmpty();
    }

    @Test
    void timesAreUtcTextWhateverTheBrowsersLocaleAndDurationsAreTypedAndShownInUnits() {
        // given: a browser in New York with US English (a datetime-local field would show 12-hour local time there)
        signIn(new Browser.NewContextOptions().setViewportSize(1280, 900).setLocale("en-US").setTimezoneId("America/New_York"));
        Setup s = setup();
        long at = System.currentTimeMillis() - 30 * 60_000;
        String failed = unique("late");
        TraceFixtures.ship(TraceFixtures.tp(failed, Timepoint.FAILED, at, s.topic(), "k", s.group(), 1, "boom"));
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/messages/" + failed + "/trace").status() == 200);

        // then: no time field of the console is a datetime-local one
        for (String url : List.of("/traces", "/audit", "/topics/" + s.topic() + "/messages", "/schedules/new",
                "/replays/new?topic=" + s.topic())) {
            page.navigate(baseUrl() + url);
            assertThat(page.locator("input[type=datetime-local]")).hasCount(0);
            assertThat(page.locator("input.datetime").first()).hasAttribute("type", "text");
        }
        // the replay form starts an hour ago, written in UTC
        String shown = page.getByLabel("From (UTC, included)").inputValue();
        assertThat(shown).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
        Instant start = LocalDateTime.parse(shown.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
        assertThat(Duration.between(start, Instant.now().minusSeconds(3600)).abs()).isLessThan(Duration.ofMinutes(2));

        // and: a search between two UTC times typed as text finds the failure inside them, and not outside
        DateTimeFormatter typed = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
        page.navigate(baseUrl() + "/traces");
        page.getByLabel("Topic").fill(s.topic());
        page.getByLabel("From (UTC)").fill(typed.format(Instant.ofEpochMilli(at - 60_000)));
        page.getByLabel("To (UTC)").fill(typed.format(Instant.ofEpochMilli(at + 60_000)));
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
        // (the page opened on the last hour's failures, this one among them: wait for the search's own answer)
        assertThat(page.locator("#trace-results h2")).hasCount(0);
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(failed))).isVisible();
        page.getByLabel("From (UTC)").fill(typed.format(Instant.ofEpochMilli(at + 1000)));
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
        assertThat(page.getByText("No message found")).isVisible();

        // and: a topic's retention reads 7d, refuses what it cannot read beside the field, and takes 1d12h
        page.navigate(baseUrl() + "/topics/" + s.topic() + "/edit");
        Locator retention = page.getByLabel("Retention", new Page.GetByLabelOptions().setExact(true));
        assertThat(retention).hasValue("7d");
        retention.fill("12 hours");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save topic")).click();
        assertThat(page.locator("#err-retentionMs")).hasText(
                "'12 hours' is not a duration: give a number and a unit, e.g. 500ms, 90s, 15m, 2h, 7d or 1h30m, or forever");
        assertThat(retention).hasValue("12 hours");
        assertThat(retention).isFocused();
        shot("duration-refused");
        retention.fill("1d12h");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save topic")).click();
        page.waitForURL(baseUrl() + "/topics/" + s.topic());
        assertThat(admin.get("/topics/" + s.topic()).json().get("retentionMs").asLong()).isEqualTo(129_600_000L);
        page.navigate(baseUrl() + "/topics/" + s.topic() + "/edit");
        assertThat(retention).hasValue("1d12h");
    }

    /**
     * Every page the console serves, found from the server's own mappings (a new page is visited without
     * being added here, a new path variable needs a value below), opened as admin with data present: the
     * browser console stays free of warnings and errors, htmx's included.
     */
    @Test
    void everyConsolePageOpensWithoutAWarningOrErrorInTheBrowserConsole() throws Exception {
        // given: one of everything
        Setup s = setup();
        long now = System.currentTimeMillis();
        String messageId = unique("m");
        RecordMetadata m = send(s.topic(), 0, now, messageId, "{\"n\":1}", Map.of());
        send(s.deadLetterTopic(), 0, now, unique("d"), "{}", Map.of(HeraldHeaders.DLT_REASON, "EXHAUSTED"));
        TraceFixtures.ship(new Timepoint(messageId, Timepoint.SENT, now + 2, s.topic(), "order.created", "k", s.app(), null, "p-1",
                        m.partition(), m.offset(), now, 2L, null, null, null, null),
                new Timepoint(messageId, Timepoint.FAILED, now + 9, s.topic(), "order.created", "k", s.app(), s.group(), "c-1",
                        m.partition(), m.offset(), now, 3L, 1, "boom", null, null));
        long processor = admin.post("/processors", Map.of("bindingId", s.binding(), "address", "http://127.0.0.1:9/p"))
                .json().get("id").asLong();
        long key = admin.post("/apps/" + s.app() + "/keys", null).json().get("id").asLong();
        long schedule = MatrixFixtures.schedule(s.app(), s.topic());
        MatrixFixtures.delayed(s.app(), s.topic());
        long job = io.herald.server.replay.ReplayFixtures.heldJob(s.app(), s.topic());
        io.herald.server.tx.TxFixtures.pending(s.app(), s.topic());
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.get("/messages/" + messageId + "/trace").status() == 200);

        Map<String, String> values = new LinkedHashMap<>();
        values.put("/topics/{name}", "/topics/" + s.topic());
        values.put("/apps/{name}", "/apps/" + s.app());
        values.put("/types/{type}", "/types/order.created");
        values.put("/{partition}/{offset}", "/" + m.partition() + "/" + m.offset());
        values.put("/keys/{id}", "/keys/" + key);
        values.put("/bindings/{id}", "/bindings/" + s.binding());
        values.put("/processors/{id}", "/processors/" + processor);
        values.put("/schedules/{id}", "/schedules/" + schedule);
        values.put("/replays/{id}", "/replays/" + job);
        values.put("/traces/messages/{id}", "/traces/messages/" + messageId);
        values.put("/users/{username}", "/users/admin");
        values.put("/cluster/brokers/{id}", "/cluster/brokers/" + admin.get("/cluster").json().get("brokers").get(0).get("id").asInt());
        // the server's own groups (trace store, scheduler) are always there
        values.put("/consumer-groups/{name}", "/consumer-groups/"
                + admin.get("/consumer-groups").json().get("items").get(0).get("group").asString());
        List<String> urls = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        TreeSet<String> patterns = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            if (info.getMethodsCondition().getMethods().stream().anyMatch(x -> x.name().equals("GET"))) {
                patterns.addAll(info.getPatternValues());
            }
        });
        for (String pattern : patterns) {
            if (pattern.startsWith("/api/") || pattern.startsWith("/actuator") || pattern.startsWith("/v3/")
                    || pattern.startsWith("/swagger-ui") || pattern.endsWith(".json") || pattern.endsWith(".jsonl") || pattern.equals("/error")
                    || pattern.equals("/login") || pattern.equals("/consumer-groups/{name}/live")) {
                // not console pages: the API, its OpenAPI document and Swagger UI, JSON and JSON Lines downloads,
                // the fragment a group's page polls (a bare fragment has no page to open: the browser asks it for a favicon)
                continue;
            }
            String path = pattern;
            for (var v : values.entrySet()) {
                path = path.replace(v.getKey(), v.getValue());
            }
            if (path.contains("{")) {
                unknown.add(pattern);
            } else {
                urls.add(path);
            }
        }
        assertThat(unknown).as("console pages whose path variables have no value in this test").isEmpty();
        urls.add("/dead-letters?binding=" + s.binding());
        urls.add("/replays/new?topic=" + s.topic() + "&group=" + s.group());
        urls.add("/bindings/preview?topic=" + s.topic() + "&kind=FANOUT");
        urls.add("/traces?topic=" + s.topic());
        urls.add("/topics/" + s.topic() + "/messages?mode=offset&offset=0");
        urls.add("/delayed?app=" + s.app());
        urls.add("/transactions?app=" + s.app());

        // when: each is opened; then: nothing in the browser console
        Map<String, Integer> statuses = new LinkedHashMap<>();
        for (String url : urls) {
            var response = page.navigate(baseUrl() + url);
            page.waitForLoadState(com.microsoft.playwright.options.LoadState.NETWORKIDLE);
            statuses.put(url, response == null ? -1 : response.status());
        }
        System.out.printf("visited %d console pages: %s%n", urls.size(), statuses);
        assertThat(statuses).as("pages that did not answer 200").allSatisfy((url, status) -> assertThat(status).as(url).isEqualTo(200));
        assertThat(consoleProblems).isEmpty();
        assertThat(urls).hasSizeGreaterThan(40);
    }
}
