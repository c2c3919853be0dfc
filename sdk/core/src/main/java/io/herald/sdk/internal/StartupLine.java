package io.herald.sdk.internal;

import java.io.PrintStream;
import org.slf4j.LoggerFactory;

/**
 * The one line a starting client prints to stderr when the application has no SLF4J binding, so a
 * service that never added one still sees that Herald started, as what and with which listeners
 * (SLF4J alone only says "No SLF4J providers were found" and drops every log line after it).
 */
public final class StartupLine {

    private StartupLine() {
    }

    /** Whether SLF4J found no binding and discards everything logged. */
    public static boolean noSlf4jBinding() {
        return LoggerFactory.getILoggerFactory() instanceof org.slf4j.helpers.NOPLoggerFactory;
    }

    /** Prints {@code line} once to {@code err} when there is no SLF4J binding; returns whether it did. */
    public static boolean printIfUnlogged(String line, PrintStream err) {
        if (!noSlf4jBinding()) {
            return false;
        }
        err.println(line + " [Herald's log goes nowhere: add an SLF4J binding, e.g. org.slf4j:slf4j-simple, to see it]");
        return true;
    }
}
