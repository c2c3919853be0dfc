package io.herald.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import io.herald.server.support.Api;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.test.web.servlet.MvcResult;

/**
 * A regular expression a user writes (a REGEX binding's typePattern) cannot hold a server thread:
 * {@code (.*a){12}$} backtracks for about 9 s on a 30-character type, and every place that runs it
 * answers within a second, saying why, in the API and the console.
 */
class RegexBudgetIT extends ConsoleTestSupport {

    private static final String BACKTRACKING = "(.*a){12}$";
    /** A valid type name on which {@link #BACKTRACKING} backtracks for seconds. */
    private static final String SLOW_TYPE = "a".repeat(29) + "b";
    /**
     * What a refused pattern may add to an answer: its budget is 50 ms of CPU time and at most 0.5 s
     * of wall time, the rest is room for a busy machine (measured up to 1.1 s at a load of 60 on two cores);
     * without the budget the pattern adds about 9 s of CPU time.
     */
    private static final long QUICK_MS = 2000;

    @Test
    void apiRefusesABindingWhosePatternBacktracksOnADeclaredTypeQuickly() throws Exception {
        String app = newApp();
        String topic = newTopic(app, "order.created", SLOW_TYPE);

        Api.Response r = quickly(
                () -> admin.post("/bindings", Map.of("app", app, "group", unique("g"), "topic", topic, "kind", "REGEX",
                        "typePattern", "order-(")),
                () -> admin.post("/bindings", Map.of("app", app, "group", unique("g"), "topic", topic, "kind", "REGEX",
                        "typePattern", BACKTRACKING)));

        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("field").asString()).isEqualTo("typePattern");
        assertThat(r.json().path("detail").asString()).contains("needs more than 50 ms").contains(SLOW_TYPE);
        assertThat(admin.get("/bindings?app=" + app).json().size()).isZero();
    }

    @Test
    void apiRefusesAnUpdateToABacktrackingPatternQuickly() throws Exception {
        String app = newApp();
        String topic = newTopic(app, SLOW_TYPE);
        long id = newBinding(app, topic, unique("g"));

        Api.Response r = quickly(() -> admin.patch("/bindings/" + id, Map.of("kind", "REGEX", "typePattern", "order-(")),
                () -> admin.patch("/bindings/" + id, Map.of("kind", "REGEX", "typePattern", BACKTRACKING)));

        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.json().path("field").asString()).isEqualTo("typePattern");
        assertThat(admin.get("/bindings/" + id).json().get("kind").asString()).isEqualTo("FANOUT");
    }

    @Test
    void tooLongPatternIsRefusedNamingTheFieldInTheApiAndTheConsole() throws Exception {
        String app = newApp();
        String topic = newTopic(app, "order.created");
        String tooLong = "order\\.created|" + "x".repeat(500);

        Api.Response r = admin.post("/bindings", Map.of("app", app, "group", unique("g"), "topic", topic, "kind", "REGEX",
                "typePattern", tooLong));
        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.json().path("field").asString()).isEqualTo("typePattern");
        assertThat(r.json().path("detail").asString()).contains("at most 500 characters");

        // the console's form goes through the same rule
        String group = unique("g");
        MvcResult form = mvc.perform(Mode.HTMX.apply(post("/bindings")).with(editor()).with(csrf()).param("app", app)
                .param("group", group).param("topic", topic).param("kind", "REGEX").param("typePattern", tooLong)).andReturn();
        assertThat(form.getResponse().getStatus()).isEqualTo(422);
        assertThat(form.getResponse().getContentAsString()).contains("id=\"err-typePattern\"").contains("at most 500 characters");
        assertThat(admin.get("/bindings?group=" + group).json().size()).isZero();

        String preview = mvc.perform(Mode.HTMX.apply(get("/bindings/preview")).with(editor()).param("topic", topic)
                .param("kind", "REGEX").param("typePattern", tooLong)).andReturn().getResponse().getContentAsString();
        assertThat(preview).contains("typePattern must be at most 500 characters");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void consolePreviewOfABacktrackingPatternAnswersQuicklyWithTheReasonInline(Mode mode) throws Exception {
        String topic = newTopic(newApp(), "order.created", SLOW_TYPE);

        MvcResult r = quickly(() -> mvc.perform(mode.apply(get("/bindings/preview")).with(editor())
                        .param("topic", topic).param("kind", "REGEX").param("typePattern", "order\\..*")).andReturn(),
                () -> mvc.perform(mode.apply(get("/bindings/preview")).with(editor())
                        .param("topic", topic).param("kind", "REGEX").param("typePattern", BACKTRACKING)).andReturn());

        assertThat(r.getResponse().getStatus()).isEqualTo(200);
        assertThat(r.getResponse().getContentAsString()).contains("typePattern needs more than 50 ms to match the type")
                .contains(SLOW_TYPE).doesNotContain("declared types");
        assertShape(r.getResponse().getContentAsString(), mode);
    }

    /** A type declared after the binding: its pages, its edit preview and the AsyncAPI document stay quick. */
    @Test
    void storedPatternThatBacktracksOnALaterTypeKeepsPagesAndDocumentsQuick() throws Exception {
        String app = newApp();
        String topic = newTopic(app, "aaaaaaaaaaaa");
        Api.Response created = admin.post("/bindings", Map.of("app", app, "group", unique("g"), "topic", topic,
                "kind", "REGEX", "typePattern", BACKTRACKING));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        assertThat(admin.post("/topics/" + topic + "/types", Map.of("name", SLOW_TYPE)).status()).isEqualTo(201);

        long plain = newBinding(app, topic, unique("g"));

        String detail = quickly(() -> mvc.perform(get("/bindings/" + plain).with(viewer())).andReturn(),
                () -> mvc.perform(get("/bindings/" + id).with(viewer())).andReturn()).getResponse().getContentAsString();
        assertThat(detail).contains("needs more than 50 ms to match the type");

        String editPreview = quickly(() -> mvc.perform(Mode.HTMX.apply(get("/bindings/" + id + "/preview")).with(editor())
                        .param("kind", "REGEX").param("typePattern", "a+")).andReturn(),
                () -> mvc.perform(Mode.HTMX.apply(get("/bindings/" + id + "/preview")).with(editor())
                        .param("kind", "REGEX").param("typePattern", BACKTRACKING)).andReturn()).getResponse().getContentAsString();
        assertThat(editPreview).contains("needs more than 50 ms to match the type");

        // the same document shape with a plain pattern
        String otherApp = newApp();
        String otherTopic = newTopic(otherApp, "aaaaaaaaaaaa", SLOW_TYPE);
        assertThat(admin.post("/bindings", Map.of("app", otherApp, "group", unique("g"), "topic", otherTopic,
                "kind", "REGEX", "typePattern", "a+b?")).status()).isEqualTo(201);
        Api.Response doc = quickly(() -> admin.get("/apps/" + otherApp + "/asyncapi"), () -> admin.get("/apps/" + app + "/asyncapi"));
        assertThat(doc.status()).as(doc.toString()).isEqualTo(200);
        var receive = doc.json().path("operations").properties().stream().map(Map.Entry::getValue)
                .filter(op -> op.path("action").asString().equals("receive")).findFirst().orElseThrow();
        assertThat(receive.path("x-herald").path("typePatternError").asString()).contains("needs more than 50 ms");
        assertThat(receive.path("description").asString()).contains("The messages it receives are not known");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void viewerIsRefusedBothPreviewsBeforeAnyPatternRuns(Mode mode) throws Exception {
        String app = newApp();
        String topic = newTopic(app, "order.created", SLOW_TYPE);
        long id = newBinding(app, topic, unique("g"));

        MvcResult create = quickly(() -> mvc.perform(mode.apply(get("/bindings/preview")).with(viewer())
                        .param("topic", topic).param("kind", "REGEX").param("typePattern", "t.*")).andReturn(),
                () -> mvc.perform(mode.apply(get("/bindings/preview")).with(viewer())
                        .param("topic", topic).param("kind", "REGEX").param("typePattern", BACKTRACKING)).andReturn());
        MvcResult edit = quickly(() -> mvc.perform(mode.apply(get("/bindings/" + id + "/preview")).with(viewer())
                        .param("kind", "REGEX").param("typePattern", "t.*")).andReturn(),
                () -> mvc.perform(mode.apply(get("/bindings/" + id + "/preview")).with(viewer())
                        .param("kind", "REGEX").param("typePattern", BACKTRACKING)).andReturn());

        for (MvcResult r : new MvcResult[] {create, edit}) {
            assertThat(r.getResponse().getStatus()).isEqualTo(403);
            assertThat(r.getResponse().getContentAsString()).doesNotContain("50 ms").doesNotContain("declared types");
        }
    }

    /**
     * The answer of {@code call}, which must come at most {@value #QUICK_MS} ms later than the same kind of
     * answer without the backtracking pattern ({@code without}; on a busy machine a whole page alone can take a
     * second). Each is called once before it is timed: warming templates and connections up is not the point.
     */
    private static <T> T quickly(Callable<?> without, Callable<T> call) throws Exception {
        without.call();
        long started = System.nanoTime();
        without.call();
        long baselineMs = (System.nanoTime() - started) / 1_000_000;
        call.call();
        started = System.nanoTime();
        T result = call.call();
        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("RegexBudgetIT: answered in %d ms (%d ms without the pattern)%n", ms, baselineMs);
        assertThat(ms).as("milliseconds to answer (%d ms without the pattern)", baselineMs).isLessThan(baselineMs + QUICK_MS);
        return result;
    }
}
