package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.database.DatabaseProperties;
import io.herald.server.dispatch.DispatchProperties;
import io.herald.server.egress.EgressProperties;
import io.herald.server.grpc.GrpcProperties;
import io.herald.server.ingest.IngestProperties;
import io.herald.server.push.PushProperties;
import io.herald.server.schedule.ScheduleProperties;
import io.herald.server.security.LoginThrottleProperties;
import io.herald.server.security.RequestBodyProperties;
import io.herald.server.tx.TxProperties;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.yaml.snakeyaml.Yaml;

/**
 * Every setting of the ingestion, scheduler, dispatcher, gRPC server, config push and transaction worker is in the server's application.yml with
 * the default the code has, and in the README's settings table.
 */
class WorkerSettingsDocumentedTest {

    @ParameterizedTest
    @ValueSource(classes = {IngestProperties.class, ScheduleProperties.class, DispatchProperties.class, GrpcProperties.class,
            PushProperties.class, TxProperties.class, DatabaseProperties.class, LoginThrottleProperties.class, EgressProperties.class,
            RequestBodyProperties.class, io.herald.server.search.SearchProperties.class})
    void everySettingIsInApplicationYmlWithTheCodesDefaultAndInTheReadme(Class<?> properties) throws IOException {
        String prefix = properties.getAnnotation(ConfigurationProperties.class).value();
        Map<String, Object> yml;
        try (InputStream in = getClass().getResourceAsStream("/application.yml")) {
            yml = new Yaml().load(in);
        }
        Object section = yml;
        for (String part : prefix.split("\\.")) {
            section = ((Map<?, ?>) section).get(part);
            assertThat(section).as(prefix + " in application.yml").isNotNull();
        }
        Map<?, ?> settings = (Map<?, ?>) section;
        String readme = Files.readString(Path.of("..", "README.md"));
        RecordComponent[] components = properties.getRecordComponents();
        Class<?>[] types = java.util.Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        java.lang.reflect.Parameter[] parameters;
        try {
            parameters = properties.getDeclaredConstructor(types).getParameters();
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
        for (int i = 0; i < components.length; i++) {
            String name = components[i].getName().replaceAll("([A-Z])", "-$1").toLowerCase();
            if (parameters[i].getAnnotation(DefaultValue.class) == null) {
                // optional (a TLS certificate): no default to compare, but documented all the same
                assertThat(readme).as(prefix + "." + name + " in README.md").contains("| `" + prefix + "." + name + "` |");
                continue;
            }
            // a list's default is its items, comma-separated (as application.yml and the README write it)
            String codeDefault = String.join(", ", parameters[i].getAnnotation(DefaultValue.class).value());
            assertThat(settings.get(name)).as(prefix + "." + name + " in application.yml").isNotNull();
            // a value an environment variable may override reads "${HERALD_X:default}"
            String ymlDefault = String.valueOf(settings.get(name)).replaceAll("^\\$\\{[A-Z0-9_]+:(.*)}$", "$1");
            assertThat(ymlDefault).as(prefix + "." + name + " default").isEqualTo(codeDefault);
            assertThat(readme).as(prefix + "." + name + " in README.md").contains("| `" + prefix + "." + name + "` | "
                    + (codeDefault.isEmpty() ? "(none)" : "`" + codeDefault + "`") + " |");
        }
    }
}
