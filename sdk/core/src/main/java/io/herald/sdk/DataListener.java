package io.herald.sdk;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A class whose methods receive the data events of one {@link DataObject}, by naming convention:
 * {@code on<Method>} for a call that returned, {@code on<Method>_X} for one that threw, e.g.
 * {@code onInsertOrder(Order order)} and {@code onUpdateOrder_X(Order order, DataEvent event)}.
 * Parameters are bound by type and position to the call's arguments; a {@link DataEvent}
 * parameter receives the whole event. A method named {@code on...} that matches no intercepted
 * method of the data object fails registration, naming the method.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface DataListener {

    /** The DAO or repository type, annotated with {@link DataObject}. */
    Class<?> dataObject();

    /** Consumer group; default: the app name. */
    String group() default "";
}
