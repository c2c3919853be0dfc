package io.herald.sdk;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
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
@Inherited // a class proxy (CGLIB subclass) of a listener bean keeps it
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface DataListener {

    /**
     * The data object: the DAO or repository type annotated with {@link DataObject}, or a class
     * implementing or extending one (Koper names the implementation, e.g. {@code OrderDaoImpl}):
     * both listen to the annotated type's topic. A class that is no data object and implements none
     * fails registration naming it. Koper's string form is {@link io.herald.sdk.koper.DataListener}.
     */
    Class<?> dataObject();

    /** Consumer group; default: the app name. */
    String group() default "";
}
