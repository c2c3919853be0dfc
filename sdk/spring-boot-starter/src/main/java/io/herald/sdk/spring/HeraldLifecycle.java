package io.herald.sdk.spring;

import io.herald.sdk.Herald;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts Herald after every singleton exists (so all {@code @Listen} beans are registered first)
 * and stops it gracefully early in shutdown: polling stops, in-flight handlers finish, offsets
 * are committed.
 */
final class HeraldLifecycle implements SmartLifecycle {

    private final Herald herald;
    private final ListenerBeans listenerBeans;
    private final ConfigurableBeanFactory beanFactory;
    private volatile boolean running;

    HeraldLifecycle(Herald herald, ListenerBeans listenerBeans, ConfigurableBeanFactory beanFactory) {
        this.herald = herald;
        this.listenerBeans = listenerBeans;
        this.beanFactory = beanFactory;
    }

    @Override
    public void start() {
        for (Object bean : listenerBeans.beans()) {
            herald.register(bean, beanFactory::resolveEmbeddedValue);
        }
        herald.start();
        running = true;
    }

    @Override
    public void stop() {
        herald.close();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Late start, early stop (after the web server stops taking requests, before data sources close). */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }
}
