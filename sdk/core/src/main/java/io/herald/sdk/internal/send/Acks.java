package io.herald.sdk.internal.send;

import io.herald.sdk.BrokerUnavailableException;
import io.herald.sdk.HeraldException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for a broker's acknowledgement on a blocking call, with the SDK's exceptions. */
public final class Acks {

    private Acks() {
    }

    /**
     * The future's result within {@code timeoutMillis}. A Herald exception or other runtime
     * exception it failed with is thrown as it is; a timeout or an interrupt is a
     * {@link BrokerUnavailableException}.
     */
    public static <R> R await(CompletableFuture<R> future, long timeoutMillis) {
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
            throw new BrokerUnavailableException("No acknowledgement within " + timeoutMillis + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("Interrupted while waiting for the acknowledgement", e);
        }
    }
}
