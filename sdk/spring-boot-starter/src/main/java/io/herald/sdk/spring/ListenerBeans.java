package io.herald.sdk.spring;

import io.herald.sdk.internal.listen.ListenScanner;
import java.util.ArrayList;
import java.util.List;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Collects beans carrying {@code @Listen}; {@link HeraldLifecycle} turns them into endpoints when
 * the context starts. The post-processor itself touches no Herald object, so it can be static and
 * early.
 */
final class ListenerBeans implements BeanPostProcessor {

    private final List<Object> beans = new ArrayList<>();

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (ListenScanner.hasListeners(AopUtils.getTargetClass(bean))) {
            synchronized (beans) {
                beans.add(bean);
            }
        }
        return bean;
    }

    List<Object> beans() {
        synchronized (beans) {
            return List.copyOf(beans);
        }
    }
}
