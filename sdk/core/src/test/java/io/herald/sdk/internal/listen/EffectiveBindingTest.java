package io.herald.sdk.internal.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.sdk.Binding;
import io.herald.sdk.HeraldSettings;
import io.herald.sdk.internal.config.HeraldConfig;
import io.herald.sdk.wire.BindingConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EffectiveBindingTest {

    private final HeraldConfig config = HeraldConfig.of(Map.of(HeraldSettings.APP, "billing"), Map.of());

    @Test
    void directMatchesOnlyItsType() {
        EffectiveBinding b = EffectiveBinding.fromCode(Binding.direct("trade", "pay-succ"), "billing", config);
        assertThat(b.matches("pay-succ")).isTrue();
        assertThat(b.matches("pay-succ2")).isFalse();
        assertThat(b.matches("")).isFalse();
    }

    @Test
    void regexMatchesTheWholeType() {
        EffectiveBinding b = EffectiveBinding.fromCode(Binding.regex("trade", "pay-.*"), "billing", config);
        assertThat(b.matches("pay-fail")).isTrue();
        assertThat(b.matches("repay-fail")).isFalse();
    }

    @Test
    void fanoutMatchesEveryTypeEvenNone() {
        EffectiveBinding b = EffectiveBinding.fromCode(Binding.fanout("trade"), "billing", config);
        assertThat(b.matches("anything")).isTrue();
        assertThat(b.matches("")).isTrue();
    }

    @Test
    void backoffGrowsByTheMultiplierUpToTheMaximum() {
        EffectiveBinding b = EffectiveBinding.fromCode(Binding.fanout("trade")
                .withBackoff(Duration.ofMillis(100), 3.0, Duration.ofMillis(1_000)), "billing", config);
        assertThat(b.backoffFor(1)).isEqualTo(100);
        assertThat(b.backoffFor(2)).isEqualTo(300);
        assertThat(b.backoffFor(3)).isEqualTo(900);
        assertThat(b.backoffFor(4)).isEqualTo(1_000);
    }

    @Test
    void codeBindingsTakeTheDefaultsAndTheConventionalDeadLetterTopic() {
        EffectiveBinding b = EffectiveBinding.fromCode(Binding.fanout("trade"), "billing", config);
        assertThat(b.deliveryLimit()).isEqualTo(3);
        assertThat(b.deadLetterTopic()).isEqualTo("trade.billing.dlt");
        assertThat(b.expiryMillis()).isNull();
    }

    @Test
    void controlPlaneBindingsKeepTheirDeadLetterTopic() {
        EffectiveBinding b = EffectiveBinding.fromControlPlane(new BindingConfig(4, "billing", "trade", "direct", "x", 2, 10,
                1.0, 10, 60_000L, true, 2, "custom.dlt", false));
        assertThat(b.kind().name()).isEqualTo("DIRECT");
        assertThat(b.paused()).isTrue();
        assertThat(b.deadLetterTopic()).isEqualTo("custom.dlt");
        assertThat(b.expiryMillis()).isEqualTo(60_000L);
    }
}
