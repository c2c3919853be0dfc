package io.herald.sdk.internal.trace;

import io.herald.sdk.spi.OutgoingRecord;
import io.herald.sdk.spi.Transport;
import io.herald.sdk.wire.HeraldTopics;
import java.time.Duration;
import java.util.ArrayList;

/** Timepoints through a transport given by the user (another broker, the in-memory test transport). */
public final class TransportTraceSink implements TraceSink {

    private final Transport transport;

    public TransportTraceSink(Transport transport) {
        this.transport = transport;
    }

    @Override
    public void send(byte[] key, byte[] value, Runnable onFailure) {
        try {
            transport.publish(new OutgoingRecord(HeraldTopics.TRACE, key, value, System.currentTimeMillis(), new ArrayList<>(0)),
                    (p, o, t, e) -> {
                        if (e != null) {
                            onFailure.run();
                        }
                    });
        } catch (RuntimeException e) {
            onFailure.run();
        }
    }

    @Override
    public void close(Duration timeout) {
        // the transport is closed by its owner
    }
}
