package io.herald.sdk.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * The one dead-letter writer against the three it replaced (copied below as they were): the SDK's
 * listener recoverer, the server's push dispatcher and the server's delay scheduler. Consumers read
 * each header's last value, so "the same" means the same last value for every name.
 */
class DeadLettersTest {

    @Test
    void namesTheDeadLetterTopicAfterTopicAndGroup() {
        assertThat(DeadLetters.topic("orders", "billing")).isEqualTo("orders.billing.dlt");
        assertThat(DeadLetters.topic("trade.v1", "billing-eu")).isEqualTo("trade.v1.billing-eu.dlt");
    }

    @Test
    void writesWhatTheSdkListenerRecovererWrote() {
        for (Throwable failure : new Throwable[] {null, new IllegalStateException("cannot ship poison"),
                new IllegalArgumentException((String) null), new RuntimeException("x".repeat(2500))}) {
            for (int attempts : new int[] {0, 1, 12}) {
                List<Header> written = DeadLetters.letter("exhausted", "orders", 2, 41L).by("shipping", attempts)
                        .failure(failure).headers(original(), Header::key, RecordHeader::new);
                assertThat(lastValues(written))
                        .isEqualTo(lastValues(oldSdk(original(), "exhausted", failure, attempts, "orders", 2, 41L, "shipping")));
                assertThat(names(written)).isEqualTo(names(oldSdk(original(), "exhausted", failure, attempts, "orders", 2, 41L,
                        "shipping")));
            }
        }
    }

    @Test
    void writesWhatThePushDispatcherWroteButCutsLongExceptionMessagesAsTheSdkDoes() {
        for (Throwable failure : new Throwable[] {null, new java.net.ConnectException("Connection refused")}) {
            List<Header> written = DeadLetters.letter("push to http://x failed: HTTP 503", "orders", 0, 7L).by("g-app", 3)
                    .failure(failure).headers(original(), Header::key, RecordHeader::new);
            assertThat(lastValues(written)).isEqualTo(lastValues(
                    oldPush(original(), failure, 3, "push to http://x failed: HTTP 503", "orders", 0, 7L, "g-app")));
        }
        Throwable longOne = new RuntimeException("y".repeat(5000));
        Map<String, String> written = lastValues(DeadLetters.letter("r", "orders", 0, 7L).by("g", 1).failure(longOne)
                .headers(original(), Header::key, RecordHeader::new));
        assertThat(written.get(HeraldHeaders.DLT_EXCEPTION_MESSAGE)).hasSize(DeadLetters.MAX_EXCEPTION_MESSAGE);
    }

    @Test
    void writesWhatTheDelaySchedulerWroteKeepingTheOriginalsAttemptCount() {
        RecordHeaders plain = original();
        plain.remove(HeraldHeaders.DLT_REASON);
        plain.remove(HeraldHeaders.DLT_GROUP);
        List<Header> written = DeadLetters.letter("missing header herald-target-topic", "herald.delay", 1, 99L)
                .headers(plain, Header::key, RecordHeader::new);
        assertThat(written).isEqualTo(oldDelay(plain, "missing header herald-target-topic", "herald.delay", 1, 99L));
        assertThat(lastValues(written)).containsEntry(HeraldHeaders.ATTEMPT, "4").doesNotContainKey(HeraldHeaders.DLT_GROUP);
    }

    @Test
    void dropsTheOriginalsOwnDeadLetterHeadersWhoeverWrites() {
        // a record dead-lettered once before: no writer carries the earlier letter's group or reason along
        for (DeadLetters.Letter letter : new DeadLetters.Letter[] {DeadLetters.letter("due too far", "herald.delay", 0, 1L),
                DeadLetters.letter("exhausted", "orders", 0, 1L).by("shipping", 3)}) {
            List<Header> written = letter.headers(original(), Header::key, RecordHeader::new);
            assertThat(names(written).stream().filter(n -> n.equals(HeraldHeaders.DLT_REASON))).hasSize(1);
            assertThat(names(written).stream().filter(n -> n.equals(HeraldHeaders.ATTEMPT))).hasSize(1);
            assertThat(lastValues(written).get(HeraldHeaders.DLT_GROUP)).isEqualTo(letter.group());
        }
    }

    @Test
    void aRedriveDropsExactlyTheHeadersTheWriterOwns() {
        assertThat(DeadLetters.written(HeraldHeaders.ATTEMPT)).isTrue();
        for (String name : new String[] {HeraldHeaders.DLT_REASON, HeraldHeaders.DLT_GROUP, HeraldHeaders.DLT_EXCEPTION_CLASS,
                HeraldHeaders.DLT_EXCEPTION_MESSAGE, HeraldHeaders.DLT_ORIGINAL_TOPIC, HeraldHeaders.DLT_ORIGINAL_PARTITION,
                HeraldHeaders.DLT_ORIGINAL_OFFSET}) {
            assertThat(DeadLetters.written(name)).as(name).isTrue();
        }
        for (String name : new String[] {HeraldHeaders.CE_ID, HeraldHeaders.CE_TYPE, HeraldHeaders.TRACEPARENT,
                HeraldHeaders.EXPIRES_AT, HeraldHeaders.REPLAY_OF, "x-custom"}) {
            assertThat(DeadLetters.written(name)).as(name).isFalse();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static RecordHeaders original() {
        RecordHeaders h = new RecordHeaders();
        h.add(HeraldHeaders.CE_ID, "m-1".getBytes(StandardCharsets.UTF_8));
        h.add(HeraldHeaders.CE_TYPE, "OrderPlaced".getBytes(StandardCharsets.UTF_8));
        h.add(HeraldHeaders.ATTEMPT, "4".getBytes(StandardCharsets.UTF_8));
        h.add(HeraldHeaders.DLT_REASON, "earlier".getBytes(StandardCharsets.UTF_8));
        h.add(HeraldHeaders.DLT_GROUP, "earlier-group".getBytes(StandardCharsets.UTF_8));
        h.add("x-custom", new byte[] {1, 2, 3});
        return h;
    }

    private static List<String> names(List<Header> headers) {
        return headers.stream().map(Header::key).toList();
    }

    private static Map<String, String> lastValues(List<Header> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Header h : headers) {
            out.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** BindingDispatcher.deadLetter as it was. */
    private static List<Header> oldSdk(Iterable<Header> original, String reason, Throwable failure, int attempts,
                                       String topic, int partition, long offset, String group) {
        ArrayList<Header> headers = new ArrayList<>();
        for (Header h : original) {
            if (!h.key().startsWith("herald-dlt-") && !h.key().equals(HeraldHeaders.ATTEMPT)) {
                headers.add(h);
            }
        }
        headers.add(header(HeraldHeaders.DLT_REASON, reason));
        headers.add(header(HeraldHeaders.DLT_ORIGINAL_TOPIC, topic));
        headers.add(header(HeraldHeaders.DLT_ORIGINAL_PARTITION, Integer.toString(partition)));
        headers.add(header(HeraldHeaders.DLT_ORIGINAL_OFFSET, Long.toString(offset)));
        headers.add(header(HeraldHeaders.DLT_GROUP, group));
        headers.add(header(HeraldHeaders.ATTEMPT, Integer.toString(attempts)));
        if (failure != null) {
            headers.add(header(HeraldHeaders.DLT_EXCEPTION_CLASS, failure.getClass().getName()));
            String msg = String.valueOf(failure.getMessage());
            headers.add(header(HeraldHeaders.DLT_EXCEPTION_MESSAGE, msg.length() > 2000 ? msg.substring(0, 2000) : msg));
        }
        return headers;
    }

    /** GroupWorker's deadLetter as it was. */
    private static List<Header> oldPush(Iterable<Header> original, Throwable error, int attempts, String reason,
                                        String topic, int partition, long offset, String group) {
        List<Header> headers = new ArrayList<>();
        for (Header h : original) {
            if (!h.key().startsWith("herald-dlt-") && !h.key().equals(HeraldHeaders.ATTEMPT)) {
                headers.add(h);
            }
        }
        headers.add(header(HeraldHeaders.DLT_REASON, reason));
        if (error != null) {
            headers.add(header(HeraldHeaders.DLT_EXCEPTION_CLASS, error.getClass().getName()));
            headers.add(header(HeraldHeaders.DLT_EXCEPTION_MESSAGE, String.valueOf(error.getMessage())));
        }
        headers.add(header(HeraldHeaders.DLT_ORIGINAL_TOPIC, topic));
        headers.add(header(HeraldHeaders.DLT_ORIGINAL_PARTITION, String.valueOf(partition)));
        headers.add(header(HeraldHeaders.DLT_ORIGINAL_OFFSET, String.valueOf(offset)));
        headers.add(header(HeraldHeaders.DLT_GROUP, group));
        headers.add(header(HeraldHeaders.ATTEMPT, String.valueOf(attempts)));
        return headers;
    }

    /** DelayWorkers.deadLetter as it was. */
    private static List<Header> oldDelay(Iterable<Header> original, String reason, String topic, int partition, long offset) {
        List<Header> headers = new ArrayList<>();
        original.forEach(headers::add);
        headers.add(header(HeraldHeaders.DLT_REASON, reason));
        headers.add(header(HeraldHeaders.DLT_ORIGINAL_TOPIC, topic));
        headers.add(header(HeraldHeaders.DLT_ORIGINAL_PARTITION, String.valueOf(partition)));
        headers.add(header(HeraldHeaders.DLT_ORIGINAL_OFFSET, String.valueOf(offset)));
        return headers;
    }
}
