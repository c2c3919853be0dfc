package io.herald.sdk.internal.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.sdk.LocalTransactionException;
import io.herald.sdk.TransactionResult;
import io.herald.sdk.TransactionState;
import io.herald.sdk.internal.codec.PayloadCodec;
import io.herald.sdk.internal.send.Catalog;
import io.herald.sdk.spi.DeliveryContext;
import io.herald.sdk.spi.IncomingRecord;
import io.herald.sdk.spi.OutgoingRecord;
import io.herald.sdk.spi.PublishCallback;
import io.herald.sdk.spi.RecordProcessor;
import io.herald.sdk.spi.Subscription;
import io.herald.sdk.spi.SubscriptionSpec;
import io.herald.sdk.spi.Transport;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.HeraldTopics;
import io.herald.sdk.wire.TxProtocol;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TwoPhaseSenderTest {

    /** Records what was published and acknowledges at once. */
    static final class Recording implements Transport {
        final List<OutgoingRecord> published = new CopyOnWriteArrayList<>();

        @Override
        public void publish(OutgoingRecord record, PublishCallback callback) {
            published.add(record);
            callback.onComplete(0, published.size(), record.timestamp(), null);
        }

        @Override
        public Subscription subscribe(SubscriptionSpec spec, RecordProcessor processor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    private final Recording transport = new Recording();
    private final TwoPhaseSender sender = new TwoPhaseSender(transport, () -> Catalog.NONE,
            new PayloadCodec(PayloadCodec.defaultMapper()), "billing", true, 5_000);

    private static String header(OutgoingRecord r, String name) {
        Headers h = new RecordHeaders(r.headers().toArray(new org.apache.kafka.common.header.Header[0]));
        return h.lastHeader(name) == null ? null : new String(h.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void writesTheHalfMessageBeforeTheLocalTransactionAndCommitsAfterIt() {
        TransactionResult result = sender.send("trade", "pay-succ", "order-1", "paid", id -> {
            assertThat(transport.published).hasSize(1);   // the half message is acknowledged first
            return TransactionState.COMMIT;
        });

        OutgoingRecord half = transport.published.get(0);
        assertThat(half.topic()).isEqualTo(HeraldTopics.TX_HALF);
        assertThat(half.key()).as("no Kafka key: halves share the sticky partition's batch").isNull();
        assertThat(header(half, HeraldHeaders.CE_ID)).isEqualTo(result.messageId());
        assertThat(header(half, HeraldHeaders.TARGET_TOPIC)).isEqualTo("trade");
        assertThat(header(half, HeraldHeaders.CE_TYPE)).isEqualTo("pay-succ");
        assertThat(header(half, HeraldHeaders.TX)).isEqualTo(TxProtocol.HALF);
        assertThat(header(half, TxProtocol.KEY)).isEqualTo("order-1");
        OutgoingRecord decision = transport.published.get(1);
        assertThat(decision.topic()).isEqualTo(HeraldTopics.TX_DECISION);
        assertThat(new String(decision.value(), StandardCharsets.UTF_8)).isEqualTo(TxProtocol.COMMIT);
        assertThat(decision.key()).isNull();
        assertThat(header(decision, HeraldHeaders.CE_ID)).isEqualTo(result.messageId());
        assertThat(result.state()).isEqualTo(TransactionState.COMMIT);
    }

    @Test
    void anExceptionInTheLocalTransactionRollsBack() {
        assertThatThrownBy(() -> sender.send("trade", "pay-succ", null, "paid", id -> {
            throw new IllegalStateException("db down");
        })).isInstanceOf(LocalTransactionException.class).hasRootCauseMessage("db down");

        assertThat(transport.published).hasSize(2);
        assertThat(new String(transport.published.get(1).value(), StandardCharsets.UTF_8)).isEqualTo(TxProtocol.ROLLBACK);
    }

    @Test
    void unknownSendsNoDecision() {
        TransactionResult result = sender.send("trade", "pay-succ", null, "paid", id -> TransactionState.UNKNOWN);

        assertThat(result.state()).isEqualTo(TransactionState.UNKNOWN);
        assertThat(transport.published).extracting(OutgoingRecord::topic).containsExactly(HeraldTopics.TX_HALF);
    }

    @Test
    void checkBackIsAnsweredThroughTheCheckerAndUnknownOrAFailingCheckerAnswersNothing() {
        CheckResponder responder = new CheckResponder(sender, id -> switch (id) {
            case "a" -> TransactionState.COMMIT;
            case "b" -> TransactionState.ROLLBACK;
            case "c" -> TransactionState.UNKNOWN;
            default -> throw new IllegalStateException("checker down");
        }, "billing");

        for (String id : List.of("a", "b", "c", "d")) {
            responder.process(check(id), null);
        }

        assertThat(transport.published).extracting(r -> header(r, HeraldHeaders.CE_ID) + "="
                + new String(r.value(), StandardCharsets.UTF_8) + "/" + header(r, HeraldHeaders.TX))
                .containsExactly("a=COMMIT/check", "b=ROLLBACK/check");
    }

    private static IncomingRecord check(String id) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader(HeraldHeaders.CE_ID, id.getBytes(StandardCharsets.UTF_8)));
        return new IncomingRecord() {
            public String topic() { return HeraldTopics.txCheck("billing"); }
            public int partition() { return 0; }
            public long offset() { return 0; }
            public long timestamp() { return 0; }
            public byte[] key() { return id.getBytes(StandardCharsets.UTF_8); }
            public byte[] value() { return new byte[0]; }
            public Headers headers() { return headers; }
        };
    }
}
