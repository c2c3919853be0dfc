package io.herald.sdk.internal.send;

import io.herald.sdk.BrokerUnavailableException;
import io.herald.sdk.HeraldException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for a broker's acknowledgement on a blocking call, with the SDK's exceptions. */
public final class Acks {

    /** What {@link BrokerUnavailableException#expiredLimit()} says when a blocking call gave up waiting. */
    public static final String LIMITS = BrokerUnavailableException.MAX_BLOCK + "+" + BrokerUnavailableException.DELIVERY_TIMEOUT;

    private Acks() {
    }

    /**
     * The future's result within {@code timeoutMillis}. A Herald exception or other runtime
     * exception it failed with is thrown as it is; a timeout or an interrupt is a
     * {@link BrokerUnavailableException}.
     */
    public static <R> R await(CompletableFuture<R> future, long timeoutMillis) {
        return await(future, timeoutMillis, null);
    }

    /**
     * As {@link #await(CompletableFuture, long)}; {@code timeoutMillis} is max.block.ms plus
     * delivery.timeout.ms (the longest a blocking send is documented to take), and a timeout names
     * both and the attempted {@code messageId} (may be null).
     */
    public static <R> R await(CompletableFuture<R> future, long timeoutMillis, String messageId) {
        try {
            return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HeraldException he) {
                throw he;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new BrokerUnavailableException("No acknowledgement from Kafka within " + timeoutMillis
                    + " ms (herald.producer.max-block-ms + herald.producer.delivery-timeout-ms): the record may still be"
                    + " written; retry with the same message id", e, messageId, LIMITS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("Interrupted while waiting for the acknowledgement", e, messageId, null);
        }
    }
}
