package io.herald.sdk;

import java.time.Instant;
import java.util.Map;

/**
 * A received message: the payload plus its CloudEvents attributes and Kafka coordinates. Take it
 * as a listener parameter ({@code Message<Order>}) when the payload alone is not enough.
 *
 * @param <T> the payload type
 */
public interface Message<T> {

    /** The message id (CloudEvents {@code id}); for records without it, {@code <topic>-<partition>-<offset>}. */
    String id();

    /** The message type (CloudEvents {@code type}); empty for records written without it. */
    String type();

    /** The producing app (CloudEvents {@code source}); empty when unknown. */
    String source();

    /** The record key as text, or {@code null}. */
    String key();

    /** The payload, converted to the listener's parameter type. */
    T payload();

    /** The content type of the payload bytes, e.g. {@code application/json}; empty when unknown. */
    String contentType();

    /** Every record header, decoded as UTF-8 (the last value wins for repeated names). */
    Map<String, String> headers();

    /** One header decoded as UTF-8, or {@code null}. */
    String header(String name);

    /** The topic the message was read from. */
    String topic();

    /** The partition. */
    int partition();

    /** The offset in the partition. */
    long offset();

    /**
     * When the event happened: CloudEvents {@code time} when the record carries it, else the record
     * timestamp (Herald's own sends leave {@code ce_time} out: their timestamp is the event time).
     */
    Instant time();

    /** The Kafka record timestamp. */
    Instant timestamp();

    /** Delivery attempt, 1 for the first. */
    int attempt();
}
