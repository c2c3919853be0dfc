package io.herald.sdk.spi;

/** Thrown by a {@link RecordProcessor} to leave a record uncommitted (it is delivered again later). */
public final class AbortDeliveryException extends RuntimeException {

    public AbortDeliveryException(String reason) {
        super(reason, null, false, false);
    }
}
