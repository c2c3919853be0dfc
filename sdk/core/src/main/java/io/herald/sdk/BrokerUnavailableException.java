package io.herald.sdk;

/**
 * Kafka did not answer in time: metadata could not be fetched within
 * {@code herald.producer.max-block-ms}, the producer buffer stayed full, or the record was not
 * acknowledged within the delivery timeout. The send may succeed once the broker is back.
 */
public final class BrokerUnavailableException extends RetryableHeraldException {

    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
