package io.herald.server.egress;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Channels to a user's gRPC service named as Herald's settings name it: {@code host:port}
 * (plaintext), or {@code grpcs://host:port} for TLS. A TLS target's certificate must chain to a CA
 * the JVM trusts or to one in {@code herald.grpc.trust-certs} (a PEM file, for a company's own CA),
 * and name the host; anything else fails the call (UNAVAILABLE, retried and then dead-lettered like
 * any unreachable endpoint), never falls back to plaintext. The gRPC feature makes the one instance
 * ({@code herald.grpc.trust-certs}); transactional check-backs and gRPC push use it.
 */
public class GrpcTargets {

    private final ChannelCredentials tls;

    /** @param trustCerts PEM certificates of CAs trusted besides the JVM's, or null */
    public GrpcTargets(Path trustCerts) {
        this.tls = trustCerts == null ? TlsChannelCredentials.create()
                : TlsChannelCredentials.newBuilder().trustManager(new EitherTrustManager(List.of(fromPem(trustCerts), jvmDefault())))
                        .build();
    }

    /**
     * A channel to {@code address}: plaintext for {@code host:port}, TLS for {@code grpcs://host:port}.
     *
     * @param names resolves the host and checks every address before the channel connects to one
     *              ({@code EgressPolicy.grpcResolver()}: no DNS rebinding, no proxy)
     */
    @SuppressWarnings("deprecation") // nameResolverFactory: the channel's own resolver would connect to unchecked addresses
    public ManagedChannel channel(String address, io.grpc.NameResolver.Factory names) {
        String a = address.strip();
        boolean secure = a.startsWith("grpcs://");
        return NettyChannelBuilder.forTarget(a.replaceFirst("^grpcs?://", ""), secure ? tls : InsecureChannelCredentials.create())
                .nameResolverFactory(names).proxyDetector(target -> null)
                // Herald retries with the processor's (or the check-back's) own strategy; gRPC's transparent
                // retry would buffer every call for nothing
                .disableRetry().build();
    }

    private static X509ExtendedTrustManager fromPem(Path file) {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(file)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | CertificateException e) {
            throw new IllegalStateException("herald.grpc.trust-certs: " + file + " holds no readable PEM certificate: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IllegalStateException("herald.grpc.trust-certs: " + file + " holds no certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                store.setCertificateEntry("trusted-" + i++, c);
            }
            return trustManager(store);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("herald.grpc.trust-certs: " + file + ": " + e.getMessage(), e);
        }
    }

    private static X509ExtendedTrustManager jvmDefault() {
        try {
            return trustManager(null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JVM's trusted CAs cannot be read: " + e.getMessage(), e);
        }
    }

    private static X509ExtendedTrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        for (TrustManager m : f.getTrustManagers()) {
            if (m instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("no X.509 trust manager in " + f.getAlgorithm());
    }

    /** Trusts a server that one of its trust managers trusts (each also checks the host name, through the engine's parameters). */
    private static final class EitherTrustManager extends X509ExtendedTrustManager {
        private final List<X509ExtendedTrustManager> all;

        EitherTrustManager(List<X509ExtendedTrustManager> all) {
            this.all = all;
        }

        private interface Check {
            void run(X509ExtendedTrustManager m) throws CertificateException;
        }

        private void any(Check check) throws CertificateException {
            CertificateException first = null;
            for (X509ExtendedTrustManager m : all) {
                try {
                    check.run(m);
                    return;
                } catch (CertificateException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
            throw first;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            any(m -> m.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            any(m -> m.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            any(m -> m.checkServerTrusted(chain, authType));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("Herald's gRPC channels are clients only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("Herald's gRPC channels are clients only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("Herald's gRPC channels are clients only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> issuers = new ArrayList<>();
            all.forEach(m -> issuers.addAll(List.of(m.getAcceptedIssuers())));
            return issuers.toArray(X509Certificate[]::new);
        }
    }
}
