package io.herald.server.console;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a console page controller outside the console package (traces, replays): it gets what the
 * console frame needs (the signed-in user, whether the request came from htmx, the CSRF header for
 * htmx) and console-style error pages, from the same {@link ConsoleAdvice} as the pages of this package.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ConsoleFrame {
}
