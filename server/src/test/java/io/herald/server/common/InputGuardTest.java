package io.herald.server.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InputGuardTest {

    @Test
    void refusesAParameterWithoutANameWhichTomcatWouldThrowOn() {
        assertThat(InputGuard.query("='")).isNotNull();
        assertThat(InputGuard.query("type=a&=x")[1]).contains("no name");
    }

    @Test
    void letsWellFormedAndEmptyChunksThrough() {
        assertThat(InputGuard.query("type=order.created&key=k%201")).isNull();
        assertThat(InputGuard.query("a=1&&b=2")).isNull();
        assertThat(InputGuard.query("flag")).isNull();
    }

    @Test
    void refusesABrokenEscapeNamingTheParameter() {
        assertThat(InputGuard.query("key=%zz")[0]).isEqualTo("key");
    }
}
