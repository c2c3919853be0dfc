package io.herald.server.egress;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where processors and HTTP check-backs may point ({@code herald.dispatch.allowed-targets},
 * {@code herald.dispatch.denied-networks}). An app's key sets these addresses, and the server calls
 * them from inside the network: without a deny list any app could make Herald reach the cloud
 * metadata service, the database or an admin port on localhost.
 *
 * @param allowedTargets  allowed despite the deny list: {@code host}, {@code host:port}, an address or a CIDR
 *                        ({@code 10.1.0.0/16}); a host name allows whatever it resolves to
 * @param deniedNetworks  networks refused as targets: loopback, link-local, private, unspecified and multicast
 */
@ConfigurationProperties("herald.dispatch")
public record EgressProperties(@DefaultValue List<String> allowedTargets,
                               @DefaultValue({"127.0.0.0/8", "::1/128", "169.254.0.0/16", "fe80::/10", "10.0.0.0/8", "172.16.0.0/12",
                                       "192.168.0.0/16", "fc00::/7", "0.0.0.0/8", "::/128", "224.0.0.0/4", "ff00::/8",
                                       "255.255.255.255/32"}) List<String> deniedNetworks) {

    public EgressProperties {
        allowedTargets = allowedTargets == null ? List.of() : allowedTargets.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        deniedNetworks = deniedNetworks == null ? List.of() : deniedNetworks.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
