package dev.pirate.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.pirate.testing.PythonPeer;

/**
 * Tests for the manifests in {@code deploy/kubernetes}: each parses, its workloads are consistent
 * (selectors, named ports, headless services for the brokers), liveness is never tied to a broker,
 * every {@code pirate.*} property they set exists in the generated configuration metadata, and every
 * broker endpoint they list names a pod of a StatefulSet in the same directory.
 * <p>
 * Each document is also read into Kubernetes' own object model (fabric8's, generated from the
 * Kubernetes API's schema) for its apiVersion and kind, strictly: a value of the wrong type fails,
 * and a field the schema does not have at that place (a misspelt {@code readinesProbe}, a probe put
 * on the pod instead of the container), which the model would keep aside, fails too. What this cannot
 * tell is what only a cluster decides (admission, defaults, quotas).
 */
class KubernetesManifestsTests {

    private static final Pattern BROKER_POD = Pattern.compile("tcp://([a-z0-9-]+)-(\\d+)\\.([a-z0-9-]+):(\\d+)");

    private final List<Map<String, Object>> documents = new ArrayList<>();

    @BeforeEach
    void loadManifests() throws IOException {
        Path directory = PythonPeer.projectRoot().resolve("deploy/kubernetes");
        List<Path> files;
        try (Stream<Path> listed = Files.list(directory)) {
            files = listed.filter((path) -> path.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
            for (Object document : yaml.loadAll(Files.readString(file))) {
                assertThat(document).as(file + " holds mappings").isInstanceOf(Map.class);
                this.documents.add(map(document));
            }
        }
    }

    @Test
    void everyDocumentIsAnObjectWithKindAndNameAndEveryWorkloadIsConsistent() {
        Map<String, Map<String, Object>> services = new HashMap<>();
        for (Map<String, Object> document : this.documents) {
            assertThat(document).containsKeys("apiVersion", "kind", "metadata");
            assertThat(map(document.get("metadata"))).containsKey("name");
            if (document.get("kind").equals("Service")) {
                services.put(name(document), map(document.get("spec")));
            }
        }
        List<Map<String, Object>> workloads = workloads();
        assertThat(workloads).extracting((w) -> w.get("kind")).contains("StatefulSet", "Deployment");
        for (Map<String, Object> workload : workloads) {
            Map<String, Object> spec = map(workload.get("spec"));
            Map<String, Object> template = map(spec.get("template"));
            Map<String, Object> labels = map(map(template.get("metadata")).get("labels"));
            Map<String, Object> matchLabels = map(map(spec.get("selector")).get("matchLabels"));
            assertThat(labels).as(name(workload) + " pods carry its selector's labels").containsAllEntriesOf(matchLabels);
            if (workload.get("kind").equals("StatefulSet")) {
                Map<String, Object> governing = services.get((String) spec.get("serviceName"));
                assertThat(governing).as(name(workload) + "'s serviceName is a Service here").isNotNull();
                assertThat(governing.get("clusterIP")).as("headless, one DNS name per pod").isEqualTo("None");
                assertThat(map(governing.get("selector"))).containsAllEntriesOf(matchLabels);
            }
            for (Object item : list(map(template.get("spec")).get("containers"))) {
                checkContainer(name(workload), map(item));
            }
        }
    }

    private static void checkContainer(String workload, Map<String, Object> container) {
        assertThat(container).containsKeys("name", "image");
        Set<Object> ports = new HashSet<>();
        for (Object port : list(container.getOrDefault("ports", List.of()))) {
            ports.add(map(port).get("name"));
        }
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            if (!container.containsKey(probe)) {
                continue;
            }
            Map<String, Object> check = map(container.get(probe));
            Map<String, Object> action = map(check.containsKey("httpGet") ? check.get("httpGet") : check.get("tcpSocket"));
            assertThat(ports).as(workload + " " + probe + " uses a named port of the container")
                .contains(action.get("port"));
            if (probe.equals("livenessProbe")) {
                // Never restart an application because a broker is away.
                assertThat(action.get("path")).as(workload + " liveness").isEqualTo("/actuator/health/liveness");
            }
        }
    }

    @Test
    void everyDocumentIsAValidKubernetesObjectOfItsKindWithNoFieldTheSchemaLacks() {
        Map<String, Class<? extends HasMetadata>> kinds = Map.of("v1/ConfigMap", ConfigMap.class,
                "v1/Service", Service.class, "apps/v1/Deployment", Deployment.class,
                "apps/v1/StatefulSet", StatefulSet.class);
        JsonMapper mapper = JsonMapper.builder().build();
        for (Map<String, Object> document : this.documents) {
            String type = document.get("apiVersion") + "/" + document.get("kind");
            Class<? extends HasMetadata> model = kinds.get(type);
            assertThat(model).as(name(document) + ": a kind these tests know (" + type + ")").isNotNull();
            HasMetadata object = mapper.convertValue(document, model);
            List<String> unknown = new ArrayList<>();
            collectUnknownFields(object, type + " " + name(document), unknown, Collections.newSetFromMap(new IdentityHashMap<>()));
            assertThat(unknown).as("fields the Kubernetes schema does not have there").isEmpty();
        }
    }

    @Test
    void theStrictReadingCatchesAMisspeltFieldAndAProbeInTheWrongPlace() {
        JsonMapper mapper = JsonMapper.builder().build();
        Map<String, Object> container = Map.of("name", "app", "image", "pirate:1",
                "readinesProbe", Map.of("tcpSocket", Map.of("port", 8080)));
        Map<String, Object> deployment = Map.of("apiVersion", "apps/v1", "kind", "Deployment",
                "metadata", Map.of("name", "typo"),
                "spec", Map.of("selector", Map.of("matchLabels", Map.of("app", "typo")),
                        "template", Map.of("metadata", Map.of("labels", Map.of("app", "typo")),
                                "spec", Map.of("containers", List.of(container),
                                        "livenessProbe", Map.of("tcpSocket", Map.of("port", 8080))))));
        List<String> unknown = new ArrayList<>();
        collectUnknownFields(mapper.convertValue(deployment, Deployment.class), "typo", unknown,
                Collections.newSetFromMap(new IdentityHashMap<>()));
        assertThat(unknown).hasSize(2).anySatisfy((field) -> assertThat(field).endsWith("readinesProbe"))
            .anySatisfy((field) -> assertThat(field).endsWith("livenessProbe"));
    }

    /**
     * Walks a fabric8 model object: every field the document had that the schema lacks at that
     * place is in some object's additional properties.
     */
    private static void collectUnknownFields(Object node, String path, List<String> unknown, Set<Object> seen) {
        if (node == null || !seen.add(node)) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknownFields(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> entries) {
            entries.forEach((key, value) -> collectUnknownFields(value, path + "." + key, unknown, seen));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            }
            catch (ReflectiveOperationException ex) {
                throw new IllegalStateException(getter.toString(), ex);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                ((Map<?, ?>) value).keySet().forEach((field) -> unknown.add(path + "." + field));
            }
            else {
                collectUnknownFields(value, path + "." + getter.getName().substring(3), unknown, seen);
            }
        }
    }

    @Test
    void everyPiratePropertyTheManifestsSetExistsInTheConfigurationMetadata() throws IOException {
        Set<String> known = new HashSet<>();
        try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(metadata).as("generated configuration metadata").isNotNull();
            for (JsonNode property : JsonMapper.builder().build().readTree(metadata).get("properties")) {
                known.add(property.get("name").asString());
            }
        }
        Set<String> set = new TreeSet<>();
        pirateProperties().forEach((entry) -> set.add(entry.getKey()));
        assertThat(set).contains("pirate.worker.endpoints", "pirate.client.endpoints");
        assertThat(known).as("properties the manifests set").containsAll(set);
    }

    @Test
    void everyBrokerEndpointListedIsAPodOfAStatefulSetHereOnItsPort() {
        Map<String, Map<String, Object>> statefulSets = new HashMap<>();
        for (Map<String, Object> workload : workloads()) {
            if (workload.get("kind").equals("StatefulSet")) {
                statefulSets.put(name(workload), map(workload.get("spec")));
            }
        }
        Set<String> checked = new TreeSet<>();
        pirateProperties().forEach((entry) -> {
            String property = entry.getKey();
            String value = entry.getValue();
            if (!property.endsWith(".endpoints")) {
                return;
            }
            for (String endpoint : value.split(",")) {
                Matcher pod = BROKER_POD.matcher(endpoint.trim());
                assertThat(pod.matches()).as(property + ": " + endpoint + " names a StatefulSet pod").isTrue();
                Map<String, Object> spec = statefulSets.get(pod.group(1));
                assertThat(spec).as(endpoint + ": StatefulSet " + pod.group(1)).isNotNull();
                assertThat(spec.get("serviceName")).as(endpoint + ": its headless service").isEqualTo(pod.group(3));
                assertThat(Integer.parseInt(pod.group(2))).as(endpoint + ": a pod that exists")
                    .isLessThan((Integer) spec.get("replicas"));
                assertThat(containerPorts(spec)).as(endpoint + ": a port the pod opens")
                    .contains(Integer.parseInt(pod.group(4)));
                checked.add(endpoint.trim());
            }
        });
        assertThat(checked).hasSizeGreaterThanOrEqualTo(5);
    }

    private static Set<Integer> containerPorts(Map<String, Object> spec) {
        Set<Integer> ports = new HashSet<>();
        for (Object container : list(map(map(spec.get("template")).get("spec")).get("containers"))) {
            for (Object port : list(map(container).getOrDefault("ports", List.of()))) {
                ports.add((Integer) map(port).get("containerPort"));
            }
        }
        return ports;
    }

    /** Every {@code pirate.*} property of the ConfigMaps' application.properties, and of {@code --pirate.*} args. */
    private List<Map.Entry<String, String>> pirateProperties() {
        List<Map.Entry<String, String>> found = new ArrayList<>();
        for (Map<String, Object> document : this.documents) {
            if (document.get("kind").equals("ConfigMap")) {
                Object content = map(document.get("data")).get("application.properties");
                if (content == null) {
                    continue;
                }
                Properties properties = new Properties();
                try {
                    properties.load(new StringReader((String) content));
                }
                catch (IOException ex) {
                    throw new IllegalStateException(ex);
                }
                properties.stringPropertyNames().stream().filter((key) -> key.startsWith("pirate."))
                    .forEach((key) -> found.add(Map.entry(key, properties.getProperty(key))));
            }
        }
        for (Map<String, Object> workload : workloads()) {
            Map<String, Object> podSpec = map(map(map(workload.get("spec")).get("template")).get("spec"));
            for (Object container : list(podSpec.get("containers"))) {
                for (Object arg : list(map(container).getOrDefault("args", List.of()))) {
                    String text = arg.toString();
                    if (text.startsWith("--pirate.") && text.contains("=")) {
                        found.add(Map.entry(text.substring(2, text.indexOf('=')), text.substring(text.indexOf('=') + 1)));
                    }
                }
            }
        }
        return found;
    }

    private List<Map<String, Object>> workloads() {
        return this.documents.stream()
            .filter((document) -> document.get("kind").equals("StatefulSet") || document.get("kind").equals("Deployment"))
            .toList();
    }

    private static String name(Map<String, Object> document) {
        return (String) map(document.get("metadata")).get("name");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static List<?> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<?>) value;
    }
}
