package io.herald.sdk.internal.tx;

import io.herald.sdk.TransactionChecker;
import io.herald.sdk.TransactionState;
import io.herald.sdk.internal.codec.WireHeaders;
import io.herald.sdk.spi.DeliveryContext;
import io.herald.sdk.spi.IncomingRecord;
import io.herald.sdk.spi.RecordProcessor;
import io.herald.sdk.wire.HeraldHeaders;
import io.herald.sdk.wire.TxProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers check-back requests of {@code herald.tx.check.<app>} through the app's
 * {@link TransactionChecker}. All instances of the app share one consumer group, so each request
 * reaches one of them; the answer is an ordinary decision record. UNKNOWN (or a checker that
 * throws) sends nothing: the server asks again after the check interval.
 */
public final class CheckResponder implements RecordProcessor {

    private static final Logger log = LoggerFactory.getLogger(CheckResponder.class);

    private final TwoPhaseSender sender;
    private final TransactionChecker checker;
    private final String app;

    public CheckResponder(TwoPhaseSender sender, TransactionChecker checker, String app) {
        this.sender = sender;
        this.checker = checker;
        this.app = app;
    }

    @Override
    public void process(IncomingRecord record, DeliveryContext context) {
        String id = WireHeaders.text(record.headers(), HeraldHeaders.CE_ID);
        if (id == null) {
            return;
        }
        TransactionState state;
        try {
            state = checker.check(id);
        } catch (RuntimeException e) {
            log.warn("Transaction checker of app {} failed for message {}; answering nothing (unknown)", app, id, e);
            return;
        }
        if (state == TransactionState.COMMIT || state == TransactionState.ROLLBACK) {
            sender.decideQuietly(id, state, TxProtocol.FROM_CHECK);
        }
    }
}
