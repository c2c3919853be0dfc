package io.herald.server.common;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * What Tomcat answers itself, before any Herald code runs (a request line with characters a URL may
 * not hold, a malformed {@code %} escape in the path, headers too large): problem+json with the
 * status Tomcat chose, instead of Tomcat's HTML error page.
 */
public class ProblemReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0) {
            return;
        }
        if (timedOut(request.getCoyoteRequest().getErrorException())
                || timedOut((Throwable) request.getAttribute(jakarta.servlet.RequestDispatcher.ERROR_EXCEPTION))) {
            // a request body that fell silent or missed its deadline (herald.http.body-timeout), whatever status was set after
            status = 408;
            response.setStatus(status);
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get() || !response.setErrorReported()) {
            return;
        }
        String detail = status == 408 ? "The request body did not arrive in time (herald.http.body-timeout)"
                : status == 400 ? "The request is malformed (an address holding characters a URL may not hold,"
                + " or a broken %-escape)" : status == 404 ? "There is no such resource"
                : status >= 500 ? "Herald could not complete the request; the server log has the details" : "The request was refused";
        String body = "{\"type\":\"about:blank\",\"title\":\"" + (status >= 500 ? "Internal error" : status == 408
                ? "Request Timeout" : "Bad request")
                + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\"}";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (Exception e) {
            // the connection is gone or the response cannot be written: nothing more to say
        }
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Puts the valve in Tomcat's host in place of Tomcat's HTML error report. */
    @Configuration(proxyBeanMethods = false)
    static class Install {

        @Bean
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemReportValve() {
            return new WebServerFactoryCustomizer<>() {
                @Override
                public void customize(TomcatServletWebServerFactory factory) {
                    factory.addContextCustomizers(context -> {
                        Host host = (Host) context.getParent();
                        if (host instanceof StandardHost standard) {
                            standard.setErrorReportValveClass(ProblemReportValve.class.getName());
                        }
                        for (Valve valve : host.getPipeline().getValves()) {
                            if (valve instanceof ErrorReportValve && !(valve instanceof ProblemReportValve)) {
                                host.getPipeline().removeValve(valve);
                            }
                        }
                        host.getPipeline().addValve(new ProblemReportValve());
                    });
                }
            };
        }
    }
}
