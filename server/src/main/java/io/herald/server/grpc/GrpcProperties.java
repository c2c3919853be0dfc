package io.herald.server.grpc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The gRPC server inside herald-server ({@code herald.grpc.*}): ingestion, health and reflection.
 *
 * @param port           the port (0: no gRPC server)
 * @param address        the address to listen on (all by default)
 * @param certChain      PEM certificate chain; with {@code privateKey} the server speaks TLS only
 * @param privateKey     PEM private key (PKCS#8) of {@code certChain}
 * @param shutdownGrace  how long calls under way may take to finish when the server stops
 * @param maxMessageSize largest request message (a batch holds many events)
 * @param streamWindow   events of one stream under way at once (not yet acknowledged by Kafka)
 * @param trustCerts     PEM certificates of CAs trusted for {@code grpcs://} targets (gRPC processors and
 *                       check-backs) besides the JVM's own, for services whose certificates a company CA signed
 */
@ConfigurationProperties("herald.grpc")
public record GrpcProperties(@DefaultValue("9090") int port,
                             String address,
                             Path certChain,
                             Path privateKey,
                             @DefaultValue("10s") Duration shutdownGrace,
                             @DefaultValue("16MB") DataSize maxMessageSize,
                             @DefaultValue("1000") int streamWindow,
                             Path trustCerts) {

    public GrpcProperties {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("herald.grpc.port must be between 0 (off) and 65535, not " + port);
        }
        if ((certChain == null) != (privateKey == null)) {
            throw new IllegalArgumentException("herald.grpc.cert-chain and herald.grpc.private-key go together: give both for TLS, or neither");
        }
        if (certChain != null && !Files.isReadable(certChain)) {
            throw new IllegalArgumentException("herald.grpc.cert-chain: cannot read " + certChain);
        }
        if (privateKey != null && !Files.isReadable(privateKey)) {
            throw new IllegalArgumentException("herald.grpc.private-key: cannot read " + privateKey);
        }
        if (trustCerts != null && !Files.isReadable(trustCerts)) {
            throw new IllegalArgumentException("herald.grpc.trust-certs: cannot read " + trustCerts);
        }
        if (streamWindow < 1) {
            throw new IllegalArgumentException("herald.grpc.stream-window must be at least 1");
        }
        if (maxMessageSize.toBytes() < 1024 || maxMessageSize.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("herald.grpc.max-message-size must be between 1KB and 2GB");
        }
    }

    boolean tls() {
        return certChain != null;
    }
}
