package io.herald.sdk.spi;

/** Herald's side of a subscription: filters, converts, calls handlers, retries, dead-letters. */
@FunctionalInterface
public interface RecordProcessor {

    /**
     * Handles one record completely (handlers called, or the record dead-lettered). Returning
     * normally means the record may be committed.
     *
     * @throws AbortDeliveryException when the subscription stops mid-delivery: do not commit
     */
    void process(IncomingRecord record, DeliveryContext context);
}
