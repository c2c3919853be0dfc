package io.herald.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.catalog.SchemaCompatibility.Break;
import io.herald.server.catalog.SchemaCompatibility.Mode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** The table in schema-compatibility.txt: each schema pair under each mode, with the paths it must refuse. */
class SchemaCompatibilityTest {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    static Stream<Arguments> pairs() throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (InputStream in = SchemaCompatibilityTest.class.getResourceAsStream("/catalog/schema-compatibility.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] c = line.split("\\|");
                assertThat(c).as(line).hasSize(6);
                out.add(Arguments.of(Mode.NONE, c[0].strip(), c[1].strip(), c[2].strip(), "-"));
                out.add(Arguments.of(Mode.BACKWARD, c[0].strip(), c[1].strip(), c[2].strip(), c[3].strip()));
                out.add(Arguments.of(Mode.FORWARD, c[0].strip(), c[1].strip(), c[2].strip(), c[4].strip()));
                out.add(Arguments.of(Mode.FULL, c[0].strip(), c[1].strip(), c[2].strip(), c[5].strip()));
            }
        }
        return out.stream();
    }

    @Test
    void theTableHasAtLeastTwentyPairsPerMode() throws IOException {
        assertThat(pairs().filter(a -> a.get()[0] == Mode.BACKWARD).count()).isGreaterThanOrEqualTo(20);
    }

    @ParameterizedTest(name = "{0}: {1} -> {4}")
    @MethodSource("pairs")
    void refusesExactlyTheBreakingPaths(Mode mode, String name, String previous, String next, String expected) {
        List<Break> breaks = SchemaCompatibility.breaks(mode, JSON.readTree(previous), JSON.readTree(next));

        Set<String> paths = breaks.stream().map(Break::path).collect(Collectors.toCollection(TreeSet::new));
        Set<String> wanted = expected.equals("-") ? Set.of() : new TreeSet<>(List.of(expected.split(",")));
        assertThat(paths).as(breaks.toString()).isEqualTo(wanted);
        assertThat(breaks).allSatisfy(b -> assertThat(b.reason()).isNotBlank());
    }
}
