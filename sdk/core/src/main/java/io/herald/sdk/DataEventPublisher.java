package io.herald.sdk;

import java.lang.reflect.Method;

/**
 * The data events of intercepted DAO calls, for frameworks that intercept DAOs themselves (the
 * Spring starter does); {@link Herald#dataEventPublisher(DataEventSink)} gives a client's.
 */
public interface DataEventPublisher {

    /**
     * Runs one intercepted call of a {@link DataObject @DataObject}'s DAO: its "before" event when
     * the method opted in, the call, then the event of its outcome. The caller always gets exactly
     * what the call did, its result or its own exception: an event that cannot be written changes neither.
     *
     * @param dataObject the {@code @DataObject} type whose DAO is called
     * @param method     the DAO method called
     * @param args       its arguments
     * @param call       the call itself
     * @return what the call returned
     * @throws Throwable what the call threw
     */
    Object around(Class<?> dataObject, Method method, Object[] args, Invocation call) throws Throwable;

    /** The intercepted call itself. */
    @FunctionalInterface
    interface Invocation {

        /**
         * Runs the call.
         *
         * @return what it returned
         * @throws Throwable what it threw
         */
        Object proceed() throws Throwable;
    }
}
