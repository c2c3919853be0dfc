package io.herald.server.dispatch;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Delivers one record to a processor's endpoint (HTTP or gRPC) and says what the answer means. */
interface Pusher extends AutoCloseable {

    PushClient.Outcome push(ConsumerRecord<byte[], byte[]> record, int attempt) throws InterruptedException;

    @Override
    default void close() {
    }
}
