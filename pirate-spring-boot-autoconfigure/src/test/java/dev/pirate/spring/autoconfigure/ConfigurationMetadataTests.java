package dev.pirate.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the configuration metadata that IDEs read: every property of {@link PirateProperties},
 * the direct endpoints' nested ones included, and the health switch are described.
 */
class ConfigurationMetadataTests {

    private final Map<String, JsonNode> properties = metadata();

    @Test
    void everyPiratePropertyIsInTheMetadataWithADescription() {
        List<String> expected = new ArrayList<>();
        collect("pirate", PirateProperties.class, expected);
        assertThat(expected).contains("pirate.broker.enabled", "pirate.client.direct.*.endpoint",
                "pirate.client.retry.multiplier");
        assertThat(this.properties).containsKeys(expected.toArray(String[]::new));
        this.properties.forEach((name, property) -> assertThat(property.path("description").asString(""))
            .as("description of %s", name)
            .isNotBlank());
    }

    @Test
    void directEndpointsHaveTheirNestedPropertiesWithTypes() {
        assertThat(this.properties.get("pirate.client.direct.*.endpoint").path("type").asString())
            .isEqualTo("java.lang.String");
        assertThat(this.properties.get("pirate.client.direct.*.timeout").path("type").asString())
            .isEqualTo("java.time.Duration");
        assertThat(this.properties.get("pirate.client.direct.*.retries").path("type").asString())
            .isEqualTo("java.lang.Integer");
    }

    @Test
    void theHealthSwitchIsDescribedWithItsDefault() {
        JsonNode enabled = this.properties.get("management.health.pirate.enabled");
        assertThat(enabled).isNotNull();
        assertThat(enabled.path("type").asString()).isEqualTo("java.lang.Boolean");
        assertThat(enabled.path("defaultValue").asBoolean(false)).isTrue();
    }

    /** Walks the JavaBean the way the binder does: nested groups, maps of groups as {@code name.*}. */
    private static void collect(String prefix, Class<?> type, List<String> names) {
        for (Field field : type.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            String name = prefix + "." + kebab(field.getName());
            if (isGroup(field.getType())) {
                collect(name, field.getType(), names);
            }
            else if (Map.class.isAssignableFrom(field.getType())
                    && field.getGenericType() instanceof ParameterizedType map
                    && map.getActualTypeArguments()[1] instanceof Class<?> value && isGroup(value)) {
                collect(name + ".*", value, names);
            }
            else {
                names.add(name);
            }
        }
    }

    private static boolean isGroup(Class<?> type) {
        return type.getEnclosingClass() == PirateProperties.class;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static Map<String, JsonNode> metadata() {
        try (InputStream in = ConfigurationMetadataTests.class.getClassLoader()
            .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated metadata").isNotNull();
            JsonNode root = JsonMapper.builder().build().readTree(in);
            Map<String, JsonNode> byName = new LinkedHashMap<>();
            for (JsonNode property : root.path("properties")) {
                String name = property.path("name").asString();
                if (name.startsWith("pirate.") || name.startsWith("management.health.pirate.")) {
                    byName.put(name, property);
                }
            }
            return byName;
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
