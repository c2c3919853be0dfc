package io.herald.server.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.server.common.ValidationException;
import io.herald.server.common.Violations;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EgressPolicyTest {

    /** The deny list Herald starts with. */
    private static final List<String> DEFAULT_DENIED = defaults();

    private static List<String> defaults() {
        try {
            return List.of(EgressProperties.class.getDeclaredConstructor(List.class, List.class).getParameters()[1]
                    .getAnnotation(org.springframework.boot.context.properties.bind.DefaultValue.class).value());
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    /** Names of this test: everything else is the system's resolver (IP literals). */
    private static final Map<String, String> NAMES = Map.of("metadata.test", "169.254.169.254", "public.test", "203.0.113.10",
            "allowed.test", "10.1.2.3", "mixed.test", "203.0.113.10,127.0.0.1");

    private static EgressPolicy policy(String... allowed) {
        return new EgressPolicy(new EgressProperties(List.of(allowed), DEFAULT_DENIED), host -> {
            String a = NAMES.get(host);
            if (a == null) {
                return InetAddress.getAllByName(host);
            }
            String[] parts = a.split(",");
            InetAddress[] out = new InetAddress[parts.length];
            for (int i = 0; i < parts.length; i++) {
                out[i] = InetAddress.getByName(parts[i]);
            }
            return out;
        });
    }

    private static String refusal(EgressPolicy p, String url) {
        Violations v = new Violations();
        p.checkUrl(v, "address", url);
        try {
            v.throwIfAny();
            return null;
        } catch (ValidationException e) {
            return e.getMessage() + " " + e.violations();
        }
    }

    @ParameterizedTest(name = "{0} is refused as {1}")
    @CsvSource(delimiter = '|', value = {
            "http://127.0.0.1:8080/hook | a loopback address",
            "http://localhost/ | a loopback address",
            "http://[::1]:8080/ | a loopback address",
            "http://[::ffff:127.0.0.1]/ | a loopback address",
            "http://[::127.0.0.1]/ | a loopback address",
            "http://169.254.169.254/latest/meta-data/ | a link-local address",
            "http://metadata.test/ | a link-local address",
            "http://[fe80::1]/ | a link-local address",
            "http://10.0.0.1/ | a private address",
            "http://172.16.5.4/ | a private address",
            "http://172.31.255.255/ | a private address",
            "http://192.168.1.1/ | a private address",
            "http://[fd00::1]/ | a private address",
            "http://0.0.0.0:8080/ | an unspecified address",
            "http://[::]/ | an unspecified address",
            "http://224.0.0.1/ | a multicast address",
            "http://[ff02::1]/ | a multicast address",
            "http://mixed.test/ | a loopback address"})
    void refusesInternalTargetsNamingWhatTheyAre(String url, String kind) {
        assertThat(refusal(policy(), url)).contains(kind).contains("herald.dispatch.allowed-targets");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://203.0.113.10/hook", "https://public.test/x", "http://172.32.0.1/", "http://unknown-name.invalid/",
            "http://[2001:db8::1]/"})
    void letsPublicAndUnresolvableTargetsThrough(String url) {
        assertThat(refusal(policy(), url)).isNull();
    }

    @Test
    void allowedTargetsOptIn() throws UnknownHostException {
        EgressPolicy p = policy("allowed.test", "127.0.0.1:9999", "192.168.0.0/16", "[::1]:7070");
        assertThat(refusal(p, "http://allowed.test/hook")).isNull();
        assertThat(refusal(p, "http://127.0.0.1:9999/hook")).isNull();
        assertThat(refusal(p, "http://127.0.0.1:9998/hook")).contains("loopback");
        assertThat(refusal(p, "http://192.168.7.7/")).isNull();
        assertThat(refusal(p, "http://10.0.0.1/")).contains("private");
        Violations v = new Violations();
        p.checkGrpcTarget(v, "address", "[::1]:7070");
        p.checkGrpcTarget(v, "address", "grpcs://[::1]:7071");
        assertThat(v.has("address")).isTrue();
        assertThatThrownBy(() -> v.throwIfAny()).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.violations()).hasSize(1));
        assertThat(p.checkedAddresses("allowed.test", 80)).extracting(InetAddress::getHostAddress).containsExactly("10.1.2.3");
    }

    @Test
    void connectTimeChecksEveryResolvedAddress() {
        assertThatThrownBy(() -> policy().checkedAddresses("mixed.test", 443))
                .isInstanceOf(EgressPolicy.RefusedTargetException.class).hasMessageContaining("mixed.test:443")
                .hasMessageContaining("127.0.0.1, a loopback address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "not a cidr", "1.2.3/8x", "::1/129"})
    void aBadDenyListFailsStartUpNamingTheSetting(String entry) {
        assertThatThrownBy(() -> new EgressPolicy(new EgressProperties(List.of(), List.of(entry)), InetAddress::getAllByName))
                .hasMessageContaining("herald.dispatch.denied-networks").hasMessageContaining(entry);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad host", "host:port", "[::1", "10.0.0.0/40"})
    void aBadAllowListFailsStartUpNamingTheSetting(String entry) {
        assertThatThrownBy(() -> new EgressPolicy(new EgressProperties(List.of(entry), List.of()), InetAddress::getAllByName))
                .hasMessageContaining("herald.dispatch.allowed-targets");
    }
}
