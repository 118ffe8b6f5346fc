package uk.rxledger.operations;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What can be checked of the compose deployment without a Docker engine: every file it mounts or builds from exists,
 * Prometheus scrapes the services and ports the compose file runs, Grafana's provisioning points at Prometheus and
 * at the dashboards, the replica set is initiated with the compose file's members, the image runs as a non-root user
 * with a health check, and the production profile points at the replica set with GraphiQL off.
 */
class DeploymentFilesTest {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path DOCKER = ROOT.resolve("docker");
    static Map<String, Object> compose;
    static Map<String, Object> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readCompose() throws IOException {
        compose = yaml(DOCKER.resolve("compose.yaml"));
        services = (Map<String, Object>) compose.get("services");
    }

    @Test
    void everyFileTheComposeFileMountsOrBuildsFromExists() {
        List<String> mounts = new ArrayList<>();
        services.forEach((name, definition) -> {
            for (Object volume : list(map(definition).get("volumes"))) {
                String source = String.valueOf(volume).split(":")[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    mounts.add(source);
                    assertThat(DOCKER.resolve(source).normalize()).as("%s mounts %s", name, source).exists();
                } else {
                    assertThat(map(compose.get("volumes"))).as("named volume of %s", name).containsKey(source);
                }
            }
            Object build = map(definition).get("build");
            if (build != null) {
                Path context = DOCKER.resolve(String.valueOf(map(build).get("context"))).normalize();
                assertThat(context.resolve(String.valueOf(map(build).get("dockerfile")))).exists();
                assertThat(context.resolve("mvnw")).exists();
                assertThat(context.resolve("pom.xml")).exists();
            }
        });
        assertThat(mounts).contains("./prometheus", "../grafana-dashboards/provisioning", "../grafana-dashboards",
                                    "./mongo/init-replica-set.js");
    }

    @Test
    void prometheusScrapesTheApplicationServicesOnTheirPortAndLoadsTheRules() throws IOException {
        Map<String, Object> prometheus = yaml(DOCKER.resolve("prometheus/prometheus.yml"));
        Map<String, Object> job = list(prometheus.get("scrape_configs")).stream().map(DeploymentFilesTest::map)
                .filter(j -> "rxledger".equals(j.get("job_name"))).findFirst().orElseThrow();
        assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
        List<String> targets = new ArrayList<>();
        list(job.get("static_configs")).forEach(c -> list(map(c).get("targets")).forEach(t -> targets.add((String) t)));

        Set<String> appServices = new HashSet<>();
        services.forEach((name, definition) -> {
            if (map(definition).get("build") != null) {
                appServices.add(name);
            }
        });
        assertThat(appServices).containsExactlyInAnyOrder("app1", "app2");
        assertThat(targets).hasSize(appServices.size());
        for (String target : targets) {
            String[] hostPort = target.split(":");
            assertThat(appServices).as(target).contains(hostPort[0]);
            Map<String, Object> environment = map(map(services.get(hostPort[0])).get("environment"));
            assertThat(String.valueOf(environment.get("SERVER_PORT"))).as(target).isEqualTo(hostPort[1]);
            assertThat(list(map(services.get(hostPort[0])).get("ports"))).as(target)
                    .anySatisfy(p -> assertThat(String.valueOf(p)).endsWith(":" + hostPort[1]));
        }
        // The rule files resolve from the mounted directory, as promtool check config also verifies.
        for (Object pattern : list(prometheus.get("rule_files"))) {
            String glob = String.valueOf(pattern);
            Path dir = DOCKER.resolve("prometheus").resolve(glob).getParent();
            try (var files = Files.list(dir)) {
                assertThat(files.filter(f -> f.toString().endsWith(".yml"))).as(glob).isNotEmpty();
            }
        }
        assertThat(list(map(services.get("prometheus")).get("volumes"))).contains("./prometheus:/etc/prometheus:ro");
        assertThat(list(map(services.get("prometheus")).get("command")))
                .contains("--config.file=/etc/prometheus/prometheus.yml");
    }

    @Test
    void grafanaIsProvisionedWithPrometheusAndTheDashboards() throws IOException {
        Path provisioning = ROOT.resolve("grafana-dashboards/provisioning");
        Map<String, Object> datasource = map(list(yaml(provisioning.resolve("datasources/prometheus.yml"))
                                                          .get("datasources")).get(0));
        String url = String.valueOf(datasource.get("url"));
        Matcher hostPort = Pattern.compile("http://([a-z0-9-]+):(\\d+)").matcher(url);
        assertThat(hostPort.matches()).as(url).isTrue();
        assertThat(services).containsKey(hostPort.group(1));
        assertThat(list(map(services.get(hostPort.group(1))).get("ports")))
                .anySatisfy(p -> assertThat(String.valueOf(p)).endsWith(":" + hostPort.group(2)));
        // Every dashboard uses that datasource by uid.
        String uid = String.valueOf(datasource.get("uid"));
        for (String dashboard : List.of("governance.json", "operations.json")) {
            String text = Files.readString(ROOT.resolve("grafana-dashboards").resolve(dashboard));
            assertThat(text).contains("\"uid\": \"" + uid + "\"").doesNotContain("${DS_");
        }
        Map<String, Object> provider = map(list(yaml(provisioning.resolve("dashboards/rxledger.yml"))
                                                        .get("providers")).get(0));
        String path = String.valueOf(map(provider.get("options")).get("path"));
        assertThat(list(map(services.get("grafana")).get("volumes")))
                .contains("../grafana-dashboards:" + path + ":ro",
                          "../grafana-dashboards/provisioning:/etc/grafana/provisioning:ro");
    }

    @Test
    void theReplicaSetHasThreeMembersInitiatedByAOneShotServiceAndTheAppsUseIt() throws IOException {
        String init = Files.readString(DOCKER.resolve("mongo/init-replica-set.js"));
        List<String> members = new ArrayList<>();
        Matcher host = Pattern.compile("host: \"([a-z0-9-]+):27017\"").matcher(init);
        while (host.find()) {
            members.add(host.group(1));
        }
        assertThat(members).containsExactly("mongo1", "mongo2", "mongo3");
        assertThat(init).contains("_id: \"rs0\"");
        for (String member : members) {
            Map<String, Object> service = map(services.get(member));
            assertThat(list(service.get("command"))).as(member).contains("--replSet", "rs0");
        }
        Map<String, Object> initService = map(services.get("mongo-init"));
        assertThat(initService.get("restart")).isEqualTo("no");
        assertThat(map(initService.get("depends_on")).keySet()).containsExactlyInAnyOrderElementsOf(members);
        for (String app : List.of("app1", "app2")) {
            Map<String, Object> service = map(services.get(app));
            assertThat(map(map(service.get("depends_on")).get("mongo-init")).get("condition"))
                    .isEqualTo("service_completed_successfully");
            Map<String, Object> environment = map(service.get("environment"));
            assertThat(environment.get("SPRING_PROFILES_ACTIVE")).isEqualTo("prod");
            String uri = String.valueOf(environment.get("MONGODB_URI"));
            assertThat(uri).startsWith("mongodb://").contains("replicaSet=rs0");
            for (String member : members) {
                assertThat(uri).contains(member + ":27017");
            }
        }
        // distinct owner names in the token store (ADR 0010)
        assertThat(map(map(services.get("app1")).get("environment")).get("RXLEDGER_NODE_ID"))
                .isNotEqualTo(map(map(services.get("app2")).get("environment")).get("RXLEDGER_NODE_ID"));
    }

    @Test
    void theProductionProfilePointsAtTheReplicaSetWithoutGraphiqlOrCache() throws IOException {
        Properties prod = new Properties();
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("src/main/resources/application-prod.properties"))) {
            prod.load(reader);
        }
        // No default: without MONGODB_URI the application fails to start instead of using an embedded store.
        assertThat(prod.getProperty("spring.data.mongodb.uri")).isEqualTo("${MONGODB_URI}");
        assertThat(prod.getProperty("spring.graphql.graphiql.enabled")).isEqualTo("false");
        assertThat(prod.getProperty("rxledger.population.on-empty-start")).isEqualTo("false");
        assertThat(prod.getProperty("rxledger.aggregate-cache.enabled")).isEqualTo("false");
        assertThat(prod.getProperty("management.endpoints.web.exposure.include")).contains("health", "prometheus");
    }

    @Test
    void theImageRunsAsANonRootUserWithAHealthCheck() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        List<String> users = new ArrayList<>();
        Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(dockerfile);
        while (user.find()) {
            users.add(user.group(1));
        }
        assertThat(users).isNotEmpty().allSatisfy(u -> assertThat(u).isNotIn("root", "0", "0:0"));
        assertThat(dockerfile).containsPattern("(?m)^HEALTHCHECK .*\\n?.*CMD .*/actuator/health");
        assertThat(dockerfile).contains("./mvnw").containsPattern("(?m)^FROM .* AS build");
        assertThat(dockerfile).contains("SPRING_PROFILES_ACTIVE=prod").contains("EXPOSE 8080");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new Yaml().load(in);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    static List<Object> list(Object value) {
        return value == null ? List.of() : new ArrayList<>((List<?>) value);
    }
}
