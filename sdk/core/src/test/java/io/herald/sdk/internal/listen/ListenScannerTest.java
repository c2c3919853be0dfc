package io.herald.sdk.internal.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.sdk.BindingKind;
import io.herald.sdk.Listen;
import io.herald.sdk.Message;
import io.herald.sdk.internal.codec.PayloadCodec;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ListenScannerTest {

    private final ListenScanner scanner = new ListenScanner(new PayloadCodec(PayloadCodec.defaultMapper()));

    static class Listeners {
        @Listen(topic = "trade", type = "pay-succ", group = "billing", deliveryLimit = 5)
        void paid(String payload) {
        }

        @Listen(topic = "trade", pattern = "refund-.*")
        void refunds(Message<List<String>> message) {
        }

        @Listen(topic = "${topic}")
        void everything(byte[] raw) {
        }
    }

    @Listen(topic = "trade", type = "pay-fail")
    static class ClassLevel {
        public void onMessage(String payload) {
        }
    }

    static class Both {
        @Listen(topic = "trade", type = "a", pattern = "b")
        void wrong(String p) {
        }
    }

    @Test
    void turnsAnnotatedMethodsIntoBindingsOfTheRightKind() {
        List<ListenScanner.Found> found = scanner.scan(new Listeners(), s -> s.replace("${topic}", "audit"));

        assertThat(found).extracting(f -> f.binding().kind() + " " + f.binding().topic() + " " + f.binding().typePattern())
                .containsExactlyInAnyOrder("DIRECT trade pay-succ", "REGEX trade refund-.*", "FANOUT audit ");
        ListenScanner.Found paid = found.stream().filter(f -> f.binding().kind() == BindingKind.DIRECT).findFirst().orElseThrow();
        assertThat(paid.binding().group()).isEqualTo("billing");
        assertThat(paid.binding().deliveryLimit()).isEqualTo(5);
        assertThat(paid.invoker().wantsMessage()).isFalse();
        assertThat(found).filteredOn(f -> f.binding().kind() == BindingKind.REGEX).singleElement()
                .satisfies(f -> assertThat(f.invoker().wantsMessage()).isTrue());
    }

    @Test
    void usesOnMessageOfAClassLevelListener() {
        List<ListenScanner.Found> found = scanner.scan(new ClassLevel(), UnaryOperator.identity());

        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.binding().typePattern()).isEqualTo("pay-fail");
            assertThat(f.invoker().toString()).endsWith("onMessage");
        });
    }

    @Test
    void rejectsTypeAndPatternTogether() {
        assertThatThrownBy(() -> scanner.scan(new Both(), UnaryOperator.identity()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
    }
}
