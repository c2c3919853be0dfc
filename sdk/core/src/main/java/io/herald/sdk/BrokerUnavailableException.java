package io.herald.sdk;

/**
 * Kafka did not answer in time: metadata could not be fetched or buffer space did not free up
 * within {@code herald.producer.max-block-ms} (Kafka's {@code max.block.ms}), or the record was not
 * acknowledged within {@code herald.producer.delivery-timeout-ms} (Kafka's
 * {@code delivery.timeout.ms}); {@link #expiredLimit()} says which. The send may succeed once the
 * broker is back: retry with {@link #messageId()} so that a record Kafka did write is not doubled.
 */
public final class BrokerUnavailableException extends RetryableHeraldException {

    /** The Kafka limit named by {@link #expiredLimit()} when the producer could not take the record in time. */
    public static final String MAX_BLOCK = "max.block.ms";
    /** The Kafka limit named by {@link #expiredLimit()} when the record was not acknowledged in time. */
    public static final String DELIVERY_TIMEOUT = "delivery.timeout.ms";

    private final String expiredLimit;

    public BrokerUnavailableException(String message, Throwable cause) {
        this(message, cause, null, null);
    }

    public BrokerUnavailableException(String message, Throwable cause, String messageId, String expiredLimit) {
        super(message, cause, messageId);
        this.expiredLimit = expiredLimit;
    }

    /**
     * {@value #MAX_BLOCK} or {@value #DELIVERY_TIMEOUT} (or {@code "max.block.ms+delivery.timeout.ms"}
     * when a blocking send gave up waiting for both), {@code null} when no time limit expired (e.g. the
     * producer was closed).
     */
    public String expiredLimit() {
        return expiredLimit;
    }

    @Override
    public BrokerUnavailableException forMessage(String messageId) {
        return new BrokerUnavailableException(bareMessage(), getCause(), messageId, expiredLimit);
    }
}
