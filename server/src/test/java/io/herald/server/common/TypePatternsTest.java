package io.herald.server.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TypePatternsTest {

    /** Needs about 9 s on a 30-character type without the budget (Java's engine backtracks). */
    private static final String BACKTRACKING = "(.*a){12}$";
    private static final String TYPE_30 = "a".repeat(29) + "b";

    @Test
    void matchesWholeTypesLikeJavaDoes() {
        Pattern p = TypePatterns.compile("order\\..*");
        assertThat(TypePatterns.matching(p, List.of("order.created", "x.order.created", "order.", "refund")))
                .containsExactly("order.created", "order.");
    }

    @Test
    void stopsABacktrackingPatternWithinItsBudgetNamingTheType() {
        Pattern p = TypePatterns.compile(BACKTRACKING);
        long started = System.nanoTime();

        assertThatThrownBy(() -> TypePatterns.matching(p, List.of("aaaaaaaaaaaa", TYPE_30)))
                .isInstanceOfSatisfying(TypePatterns.BudgetExceeded.class, e -> {
                    assertThat(e.field()).isEqualTo("typePattern");
                    assertThat(e.type()).isEqualTo(TYPE_30);
                    assertThat(e.messageFor("typePattern")).contains("needs more than 50 ms").contains(TYPE_30);
                    assertThat(e.status().value()).isEqualTo(422);
                });
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms until refused").isLessThan(1000);
    }

    @Test
    void oneBudgetCoversEveryTypeItIsUsedOn() {
        // each type alone takes about a millisecond; together they exceed one budget
        Pattern p = TypePatterns.compile(BACKTRACKING);
        List<String> types = java.util.stream.IntStream.range(0, 400).mapToObj(i -> "a".repeat(13) + "b" + i).toList();

        assertThatThrownBy(() -> TypePatterns.matching(p, types)).isInstanceOf(TypePatterns.BudgetExceeded.class);
    }

    @Test
    void aDeeplyRecursingMatchIsRefusedNotAStackOverflow() {
        Pattern p = TypePatterns.compile("(a|b)*c");
        String type = "ab".repeat(200_000);

        assertThatThrownBy(() -> TypePatterns.matches(p, type, TypePatterns.budget()))
                .isInstanceOf(TypePatterns.BudgetExceeded.class).hasMessageContaining("…");
    }

    @Test
    void refusesAPatternOverTheMaximumLengthOrInvalid() {
        assertThat(TypePatterns.compile("a".repeat(TypePatterns.MAX_LENGTH)).pattern()).hasSize(500);
        assertThatThrownBy(() -> TypePatterns.compile("a".repeat(TypePatterns.MAX_LENGTH + 1)))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.messageFor("typePattern")).isEqualTo("must be at most 500 characters"));
        assertThatThrownBy(() -> TypePatterns.compile("order-("))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.messageFor("typePattern")).startsWith("is not a valid regular expression"));
    }

    @Test
    void manyQuickMatchesStayWithinOneBudget() {
        TypePatterns.Budget budget = TypePatterns.budget();
        Pattern p = TypePatterns.compile("[a-z.]+");
        for (int i = 0; i < 1000; i++) {
            assertThat(TypePatterns.matches(p, "order.created", budget)).isTrue();
        }
    }
}
