package io.herald.server.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/** Channels to a user's gRPC service named as Herald's settings name it: {@code host:port}, or {@code grpcs://host:port} for TLS. */
public final class GrpcTargets {

    private GrpcTargets() {
    }

    /**
     * A channel to {@code address}: plaintext for {@code host:port}, TLS (the JVM's trusted CAs) for {@code grpcs://host:port}.
     *
     * @param names resolves the host and checks every address before the channel connects to one
     *              ({@code EgressPolicy.grpcResolver()}: no DNS rebinding, no proxy)
     */
    @SuppressWarnings("deprecation") // nameResolverFactory: the channel's own resolver would connect to unchecked addresses
    public static ManagedChannel channel(String address, io.grpc.NameResolver.Factory names) {
        String a = address.strip();
        boolean tls = a.startsWith("grpcs://");
        NettyChannelBuilder b = NettyChannelBuilder.forTarget(a.replaceFirst("^grpcs?://", "")).nameResolverFactory(names)
                .proxyDetector(target -> null);
        if (!tls) {
            b.usePlaintext();
        }
        return b.build();
    }
}
