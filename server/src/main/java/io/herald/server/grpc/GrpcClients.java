package io.herald.server.grpc;

import io.herald.server.egress.GrpcTargets;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Herald's channels to users' gRPC services (check-backs, push) trust what {@code herald.grpc.trust-certs} names. */
@Configuration(proxyBeanMethods = false)
class GrpcClients {

    @Bean
    GrpcTargets grpcTargets(GrpcProperties props) {
        return new GrpcTargets(props.trustCerts());
    }
}
