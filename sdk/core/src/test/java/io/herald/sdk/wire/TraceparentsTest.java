package io.herald.sdk.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TraceparentsTest {

    private static final String TP = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @Test
    void acceptsOnlyVersion00TraceparentsInLowerCase() {
        assertThat(Traceparents.isValid(TP)).isTrue();
        assertThat(Traceparents.isValid("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00")).isTrue();
        assertThat(Traceparents.isValid(null)).isFalse();
        assertThat(Traceparents.isValid(TP.toUpperCase(Locale.ROOT))).isFalse();
        assertThat(Traceparents.isValid("ff" + TP.substring(2))).isFalse();
        assertThat(Traceparents.isValid(TP + "-x")).isFalse();
        assertThat(Traceparents.isValid(TP.replace('-', '_'))).isFalse();
        assertThat(Traceparents.isValid(TP.substring(0, 54) + "g")).isFalse();
    }

    @Test
    void readsTheSampledFlagFromStringsBytesAndAnyOtherHolder() {
        byte[] bytes = TP.getBytes(StandardCharsets.US_ASCII);
        assertThat(Traceparents.sampledFlag(TP)).isTrue();
        assertThat(Traceparents.sampledFlag(bytes)).isTrue();
        assertThat(Traceparents.sampledFlag(bytes, bytes.length, (b, i) -> b[i])).isTrue();
        assertThat(Traceparents.sampledFlag(TP.substring(0, 54) + "0")).isFalse();
        assertThat(Traceparents.sampledFlag((TP.substring(0, 54) + "3").getBytes(StandardCharsets.US_ASCII))).isTrue();
        assertThat(Traceparents.sampledFlag("not a traceparent".getBytes(StandardCharsets.US_ASCII))).isNull();
        assertThat(Traceparents.sampledFlag(TP.substring(0, 54) + "x")).isNull();
        assertThat(Traceparents.sampledFlag((String) null)).isNull();
        assertThat(Traceparents.sampledFlag((byte[]) null)).isNull();
    }

    /** What the trace store matched traceparents with before there was one reader. */
    private static final Pattern OLD_TRACEPARENT = Pattern.compile("^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}.*$");
    private static final Pattern OLD_TRACE_ID = Pattern.compile("^[0-9a-f]{32}$");

    private static String oldTraceId(String value) {
        if (value == null) {
            return null;
        }
        String s = value.strip().toLowerCase(Locale.ROOT);
        if (OLD_TRACE_ID.matcher(s).matches()) {
            return s;
        }
        var m = OLD_TRACEPARENT.matcher(s);
        return m.matches() ? m.group(1) : null;
    }

    @Test
    void takesTheTraceIdOutOfATraceparentOrABareTraceIdLeniently() {
        assertThat(Traceparents.traceId("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"))
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(Traceparents.traceId(" 4bf92f3577b34da6a3ce929d0e0e4736\n")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(Traceparents.traceId("not-a-trace")).isNull();
        assertThat(Traceparents.traceId(null)).isNull();
        List<String> inputs = List.of(TP, TP.toUpperCase(Locale.ROOT), "ff" + TP.substring(2), TP + "-later", TP + "\nnext",
                TP + "\u0085", TP + "\r\n", "  " + TP + "  ", TP.substring(0, 54), TP.substring(0, 54) + "g",
                TP.replace('-', ' '), "0af7651916cd43dd8448eb211c80319c", "0af7651916cd43dd8448eb211c80319", "0af7651916cd43dd8448eb211c80319cd",
                "0AF7651916CD43DD8448EB211C80319C", "0af7651916cd43dd8448eb211c80319g", "", "   ", TP + "\u2028x", TP + "é");
        for (String input : inputs) {
            assertThat(Traceparents.traceId(input)).as(input).isEqualTo(oldTraceId(input));
        }
    }
}
