package io.herald.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.sdk.internal.config.HeraldConfig;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeraldPropertiesTest {

    @Test
    void everySdkSettingHasAPropertyInTheGeneratedIdeMetadata() throws Exception {
        Set<String> documented = new HashSet<>();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            for (JsonNode p : new ObjectMapper().readTree(in).get("properties")) {
                if (p.hasNonNull("description")) {
                    documented.add(p.get("name").asText());
                }
            }
        }

        assertThat(documented).containsAll(HeraldConfig.TABLE.keys()).contains("herald.kafka.properties");
    }
}
