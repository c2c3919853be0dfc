package io.herald.sdk.koper;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Koper's form of {@link io.herald.sdk.DataListener}, for code moved from Koper with only its
 * import changed: {@code @DataListener(dataObject = "koper.demo.dataevent.dao.impl.OrderDaoImpl")}.
 * The name is a fully qualified class name: the {@link io.herald.sdk.DataObject} interface or class,
 * or an implementation of it (resolved to the data object it implements). A name that resolves to
 * no class, or to a class that is no data object, fails registration (in Spring: the start-up)
 * naming it. Everything else is as for {@link io.herald.sdk.DataListener}.
 */
@Documented
@Inherited // a class proxy (CGLIB subclass) of a listener bean keeps it
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface DataListener {

    /** Fully qualified name of the DAO interface or class, or of an implementation of it. */
    String dataObject();

    /** Consumer group; default: the app name. */
    String group() default "";
}
