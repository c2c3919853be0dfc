package io.herald.server.grpc;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.herald.server.ingest.IngestProperties;
import io.herald.server.ingest.IngestService;
import io.herald.server.security.ApiCallers;
import io.herald.server.tx.Transactions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The gRPC server inside herald-server on {@code herald.grpc.port} (0: none): {@code herald.v1.Ingest}
 * (authenticated by the {@code authorization} metadata), the standard health service
 * ({@code grpc.health.v1.Health}, SERVING while the server runs) and server reflection, so
 * {@code grpcurl} works without the .proto files. TLS only when a certificate is configured. It
 * starts after the rest of the server and stops first: health turns NOT_SERVING, new calls are
 * refused, calls under way get {@code herald.grpc.shutdown-grace} to finish.
 */
@Component
@EnableConfigurationProperties(GrpcProperties.class)
public class GrpcServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GrpcServer.class);

    private final GrpcProperties props;
    private final IngestService ingest;
    private final IngestProperties ingestProps;
    private final ApiCallers callers;
    private final Transactions transactions;
    private final HealthStatusManager health = new HealthStatusManager();
    private volatile Server server;
    private volatile ExecutorService executor;

    GrpcServer(GrpcProperties props, IngestService ingest, IngestProperties ingestProps, ApiCallers callers, Transactions transactions) {
        this.transactions = transactions;
        this.props = props;
        this.ingest = ingest;
        this.ingestProps = ingestProps;
        this.callers = callers;
    }

    @Override
    public void start() {
        if (props.port() == 0) {
            log.info("gRPC server off (herald.grpc.port=0)");
            return;
        }
        ServerCredentials credentials;
        try {
            credentials = props.tls() ? TlsServerCredentials.create(props.certChain().toFile(), props.privateKey().toFile())
                    : InsecureServerCredentials.create();
        } catch (IOException e) {
            throw new UncheckedIOException("herald.grpc.cert-chain / private-key cannot be read", e);
        }
        executor = Executors.newCachedThreadPool(threads());
        InetSocketAddress at = props.address() == null || props.address().isBlank() ? new InetSocketAddress(props.port())
                : new InetSocketAddress(props.address(), props.port());
        Server s = NettyServerBuilder.forAddress(at, credentials)
                .executor(executor)
                .maxInboundMessageSize((int) props.maxMessageSize().toBytes())
                .addService(ServerInterceptors.intercept(new IngestGrpcService(ingest, ingestProps, props, executor, transactions),
                        new CallerInterceptor(callers)))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .build();
        try {
            s.start();
        } catch (IOException e) {
            executor.shutdownNow();
            throw new IllegalStateException("gRPC server cannot listen on " + at + " (herald.grpc.port; 0 turns it off): "
                    + e.getMessage(), e);
        }
        server = s;
        health.setStatus("", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        health.setStatus("herald.v1.Ingest", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        log.info("gRPC server listening on {}{}", at, props.tls() ? " (TLS)" : " (plaintext)");
    }

    @Override
    public void stop() {
        Server s = server;
        if (s == null) {
            return;
        }
        server = null;
        health.enterTerminalState();
        s.shutdown();
        try {
            if (!s.awaitTermination(props.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("gRPC calls still under way after {}; cancelling them", props.shutdownGrace());
                s.shutdownNow();
                s.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.shutdownNow();
        }
        executor.shutdown();
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** Started late and stopped early: after the web server's phase, so no call arrives before the rest is up. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 512;
    }

    /** The port the server listens on (useful when {@code herald.grpc.port} names one), or 0 when it is off. */
    public int port() {
        Server s = server;
        return s == null ? 0 : ((InetSocketAddress) s.getListenSockets().get(0)).getPort();
    }

    private static ThreadFactory threads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "herald-grpc-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
