package io.herald.sdk.spring.data;

import io.herald.sdk.DataEventPublisher;
import io.herald.sdk.DataEventSink;
import io.herald.sdk.DataListener;
import io.herald.sdk.Herald;
import io.herald.sdk.internal.codec.PayloadCodec;
import io.herald.sdk.internal.data.DataEvents;
import java.util.ArrayList;
import java.util.List;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Data events in Spring: beans whose class (or an interface, e.g. a Spring Data repository)
 * carries {@code @DataObject} get an interceptor that publishes the events of their matching
 * methods after each call (and {@code <method>_X} when one throws; {@code before<Method>} before the
 * methods that opted in with {@code @DataObject(before = ...)}); {@code @DataListener} beans are
 * registered with Herald once all singletons exist, before it starts, so a listener method that
 * names no intercepted method fails the start-up with a message naming it. A {@link DataEventSink}
 * bean (e.g. the outbox's) receives the events instead of Herald's sender.
 */
public final class DataEventBeans implements BeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware,
        org.springframework.context.EnvironmentAware {

    private final List<Object> listeners = new ArrayList<>();
    /** The data objects of intercepted beans and the beans' classes, declared to Herald before it starts. */
    private final java.util.Map<Class<?>, java.util.Set<Class<?>>> dataObjects = new java.util.LinkedHashMap<>();
    private ObjectProvider<Herald> herald;
    private ObjectProvider<DataEventSink> sink;
    private volatile DataEventPublisher events;
    private boolean proxyTargetClass = true;

    @Override
    public void setEnvironment(org.springframework.core.env.Environment environment) {
        proxyTargetClass = environment.getProperty("spring.aop.proxy-target-class", Boolean.class, true);
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.herald = beanFactory.getBeanProvider(Herald.class);
        this.sink = beanFactory.getBeanProvider(DataEventSink.class);
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> target = AopUtils.getTargetClass(bean);
        if (target.isAnnotationPresent(DataListener.class) || target.isAnnotationPresent(io.herald.sdk.koper.DataListener.class)) {
            synchronized (listeners) {
                listeners.add(bean);
            }
        }
        Class<?> dataObject = DataEvents.annotatedType(target);
        if (dataObject == null && AopUtils.isAopProxy(bean)) {
            for (Class<?> i : bean.getClass().getInterfaces()) {
                if (DataEvents.annotatedType(i) != null) {
                    dataObject = DataEvents.annotatedType(i);
                }
            }
        }
        if (dataObject == null) {
            return bean;
        }
        synchronized (dataObjects) {
            java.util.Set<Class<?>> classes = dataObjects.computeIfAbsent(dataObject, k -> new java.util.LinkedHashSet<>());
            if (!java.lang.reflect.Proxy.isProxyClass(target)) {
                classes.add(target);
            }
        }
        MethodInterceptor interceptor = new Interceptor(dataObject);
        if (bean instanceof Advised advised && !advised.isFrozen()) {
            advised.addAdvice(0, interceptor);
            return bean;
        }
        ProxyFactory factory = new ProxyFactory(bean);
        // Spring Boot's default (spring.aop.proxy-target-class=true): a class proxy, so the bean can be
        // injected as its class (@Autowired OrderDaoImpl) as well as its interface. JDK proxies and final
        // classes cannot be subclassed: they get an interface proxy.
        Class<?> beanClass = bean.getClass();
        boolean classProxy = proxyTargetClass && !java.lang.reflect.Proxy.isProxyClass(beanClass)
                             && !java.lang.reflect.Modifier.isFinal(beanClass.getModifiers());
        factory.setProxyTargetClass(classProxy || !dataObject.isInterface());
        factory.addAdvice(interceptor);
        return factory.getProxy(bean.getClass().getClassLoader());
    }

    @Override
    public void afterSingletonsInstantiated() {
        Herald h = herald.getIfAvailable();
        if (h == null) {
            return;
        }
        // the topics first: the listeners' bindings are on them
        synchronized (dataObjects) {
            dataObjects.forEach((type, classes) -> h.declareDataObject(type, classes.toArray(Class<?>[]::new)));
        }
        synchronized (listeners) {
            listeners.forEach(h::registerDataListener);
        }
    }

    private DataEventPublisher events() {
        DataEventPublisher e = events;
        if (e == null) {
            Herald h = herald.getIfAvailable();
            DataEventSink custom = sink.getIfAvailable();
            if (h != null) {
                e = h.dataEventPublisher(custom);
            } else if (custom != null) {
                e = new DataEvents(custom, PayloadCodec.defaultMapper());
            } else {
                return null;
            }
            events = e;
        }
        return e;
    }

    private final class Interceptor implements MethodInterceptor {
        private final Class<?> dataObject;

        Interceptor(Class<?> dataObject) {
            this.dataObject = dataObject;
        }

        @Override
        public Object invoke(MethodInvocation invocation) throws Throwable {
            DataEventPublisher e;
            if (!DataEvents.publishes(dataObject, invocation.getMethod().getName()) || (e = events()) == null) {
                return invocation.proceed();
            }
            return e.around(dataObject, invocation.getMethod(), invocation.getArguments(), invocation::proceed);
        }
    }
}
