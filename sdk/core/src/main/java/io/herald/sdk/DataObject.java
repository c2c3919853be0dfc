package io.herald.sdk;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a DAO or repository whose calls publish data events: after each matching method returns,
 * an event named after the method with its arguments and result; when it throws, an event named
 * {@code <method>_X} with the arguments and the exception (which is rethrown). Opt-in with
 * {@link #before()}: an event named {@code before<Method>} (e.g. {@code beforeDeleteOrder}) with the
 * arguments, published before the method runs. Events go to the topic {@code data.<name>}. Plain
 * Java: {@link Herald#dataObject(Class, Object)}; Spring: the starter wraps beans of classes
 * carrying this annotation. The topic and its types are registered with the control plane at
 * start-up ({@link Herald#declareDataObject(Class, Class[])}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface DataObject {

    /** The data object's name (topic {@code data.<name>}); default: the class's simple name in kebab case ({@code OrderDao} → {@code order-dao}). */
    String name() default "";

    /** Method name patterns that publish ({@code *} = any characters). */
    String[] methods() default {"insert*", "update*", "delete*"};

    /**
     * Method name patterns that also publish a "before" event, {@code before<Method>} with the
     * arguments, before the method runs (none by default). It is sent synchronously like the others;
     * one that cannot be written is counted and logged like them, and the method runs all the same.
     * Listen with {@code onBefore<Method>}.
     */
    String[] before() default {};
}
