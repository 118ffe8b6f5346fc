package uk.rxledger.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.yaml.snakeyaml.Yaml;
import uk.rxledger.governance.PopulationGenerator;
import uk.rxledger.governance.PopulationPlan;
import uk.rxledger.access.Role;
import uk.rxledger.support.TestTokens;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The dashboards and alert rules against a real Prometheus (Debian's package, installed when missing): the
 * application runs on the embedded default with a small generated population, Prometheus scrapes it on loopback every
 * second, and every panel expression and every alert rule is evaluated through Prometheus's HTTP API. Every
 * expression must parse; every panel must return data. promtool checks the rules and config and runs the rule tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusIntegrationTest {

    static final Path PROJECT = Path.of("").toAbsolutePath();
    static final Path RULES = PROJECT.resolve("docker/prometheus/rules/rxledger-alerts.yml");
    static final Path CONFIG = PROJECT.resolve("docker/prometheus/prometheus.yml");
    static final Path RULE_TESTS = PROJECT.resolve("docker/prometheus/tests/rxledger-alerts.test.yml");
    static final List<Path> DASHBOARDS = List.of(PROJECT.resolve("grafana-dashboards/governance.json"),
                                                 PROJECT.resolve("grafana-dashboards/operations.json"));
    /** Grafana's variables as the test sets them: every practice, PCN and instance; a range covering the test. */
    static final Map<String, String> VARIABLES = new LinkedHashMap<>(Map.of(
            "$__rate_interval", "1m", "$__range", "10m", "$__interval", "15s",
            "$practice", ".*", "$pcn", ".*", "$instance", ".*"));

    final ObjectMapper json = new ObjectMapper();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Path work;
    Process prometheus;
    ConfigurableApplicationContext app;
    int appPort;
    int prometheusPort;

    @BeforeAll
    void startTheApplicationAndPrometheus() throws Exception {
        String promtool = tool("promtool");
        String prometheusBinary = tool("prometheus");
        work = Files.createTempDirectory("rxledger-prometheus");

        app = InProcessApplication.start("--server.port=0", "--server.address=127.0.0.1",
                                         "--rxledger.metrics.state-initial-delay-ms=500",
                                         "--rxledger.metrics.state-refresh-ms=1000");
        appPort = ((WebServerApplicationContext) app).getWebServer().getPort();

        prometheusPort = freePort();
        Path config = work.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: rxledger
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(RULES, appPort));
        assertThat(run(promtool, "check", "config", config.toString())).contains("SUCCESS");
        prometheus = new ProcessBuilder(prometheusBinary, "--config.file=" + config,
                                        "--storage.tsdb.path=" + work.resolve("data"),
                                        "--web.listen-address=127.0.0.1:" + prometheusPort, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
               .ignoreExceptionsInstanceOf(IOException.class) // refused until it listens
               .until(() -> {
            assertThat(prometheus.isAlive()).as("prometheus runs (see %s)", work.resolve("prometheus.log")).isTrue();
            return get("/-/ready").statusCode() == 200;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> value("up{job=\"rxledger\"}") == 1.0);

        graphqlQueries(); // before and after: the request histograms exist when the later ones are counted
        // The population is generated while Prometheus watches, then a second round adds patients and answers
        // alerts, so that every counter has moved between scrapes (rate and increase see the change).
        PopulationGenerator generator = app.getBean(PopulationGenerator.class);
        PopulationGenerator.Result first = generator.generate(new PopulationPlan.Settings(7, 40, 2), 4);
        assertThat(first.rejections()).isEmpty();
        // The GC panels need a collection after the application's meters exist; a JVM with a roomy heap may not
        // collect during this short test on its own, and the panel would then show no data for an unrelated reason.
        System.gc();
        Thread.sleep(3000);
        PopulationGenerator.Result second = generator.generate(new PopulationPlan.Settings(7, 80, 2), 4);
        assertThat(second.rejections()).isEmpty();
        assertThat(second.skippedExisting()).isEqualTo(40);
        assertThat(first.alertsAnswered() + second.alertsAnswered()).isPositive();
        // An alert the policy resolves reaches its counter through two processors and a command: on a loaded machine
        // after the generator has returned.
        MeterRegistry registry = app.getBean(MeterRegistry.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> registry.find("rxledger.alerts.resolved").counters()
                .stream().mapToDouble(Counter::count).sum() > 0);
        graphqlQueries();
        // A few scrapes after the last change, and the state gauges refreshed.
        Thread.sleep(4000);
    }

    private void graphqlQueries() throws Exception {
        for (String query : List.of("{ medicines(search: \\\"omeprazole 20\\\") { edges { node { code name } } } }",
                                    "{ medicines(search: \\\"ibuprofen\\\") { edges { node { code } } } }")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + appPort + "/graphql")).header("Content-Type", "application/json")
                    .header("Authorization", TestTokens.bearer(TestTokens.token("governance-1", Role.GOVERNANCE)))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"" + query + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).doesNotContain("\"errors\"");
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(15, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (app != null) {
            app.close();
        }
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void promtoolChecksTheRulesAndTheConfigAndPassesTheRuleTests() throws Exception {
        String promtool = tool("promtool");
        assertThat(run(promtool, "check", "rules", RULES.toString())).contains("SUCCESS");
        assertThat(run(promtool, "check", "config", CONFIG.toString())).contains("SUCCESS");
        assertThat(run(promtool, "test", "rules", RULE_TESTS.toString())).contains("SUCCESS");
    }

    @Test
    void everyDashboardPanelParsesAndReturnsData() throws Exception {
        List<String> failures = new ArrayList<>();
        int evaluated = 0;
        for (Path dashboard : DASHBOARDS) {
            JsonNode root = json.readTree(dashboard.toFile());
            for (JsonNode variable : root.path("templating").path("list")) {
                String query = variable.path("query").path("query").asText(variable.path("query").asText());
                String promql = labelValuesAsQuery(query);
                evaluated++;
                check(dashboard.getFileName() + " variable " + variable.path("name").asText(), promql, failures);
            }
            for (JsonNode panel : panels(root)) {
                for (JsonNode target : panel.path("targets")) {
                    evaluated++;
                    check(dashboard.getFileName() + " panel '" + panel.path("title").asText() + "' "
                          + target.path("refId").asText(), substitute(target.path("expr").asText()), failures);
                }
            }
        }
        assertThat(evaluated).isGreaterThan(60);
        assertThat(failures).isEmpty();
    }

    @Test
    void everyAlertRuleParsesEvaluatesCleanlyAndNoneFiresOnAHealthyService() throws Exception {
        Map<String, Object> file;
        try (InputStream in = Files.newInputStream(RULES)) {
            file = new Yaml().load(in);
        }
        List<String> names = new ArrayList<>();
        for (Object group : (List<?>) file.get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                Map<?, ?> r = (Map<?, ?>) rule;
                names.add(String.valueOf(r.get("alert")));
                JsonNode answer = query(String.valueOf(r.get("expr")));
                assertThat(answer.path("status").asText()).as("%s: %s", r.get("alert"), answer).isEqualTo("success");
            }
        }
        assertThat(names).hasSizeGreaterThan(10);
        // Prometheus itself evaluates each rule every second: all must be healthy, and nothing may fire.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode rules = json.readTree(get("/api/v1/rules").body());
            List<String> loaded = new ArrayList<>();
            for (JsonNode group : rules.path("data").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    loaded.add(rule.path("name").asText());
                    assertThat(rule.path("health").asText()).as("%s: %s", rule.path("name"), rule.path("lastError"))
                                                            .isEqualTo("ok");
                    assertThat(rule.path("state").asText()).as(rule.path("name").asText()).isNotEqualTo("firing");
                }
            }
            assertThat(loaded).containsExactlyInAnyOrderElementsOf(names);
        });
    }

    private void check(String what, String promql, List<String> failures) throws Exception {
        JsonNode answer = query(promql);
        if (!"success".equals(answer.path("status").asText())) {
            failures.add(what + " does not evaluate: " + answer.path("error").asText() + "\n  " + promql);
            return;
        }
        JsonNode result = answer.path("data").path("result");
        boolean finite = false;
        for (JsonNode series : result) {
            String value = series.path("value").path(1).asText();
            finite |= !value.isEmpty() && !value.equals("NaN") && !value.contains("Inf");
        }
        if (!finite) {
            failures.add(what + " returns no data: " + result + "\n  " + promql);
        }
    }

    /** Grafana's {@code label_values(metric{...}, label)} as a PromQL query with one series per value. */
    static String labelValuesAsQuery(String query) {
        Matcher m = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)").matcher(query);
        assertThat(m.matches()).as(query).isTrue();
        return "count by (" + m.group(2) + ") (" + substitute(m.group(1)) + ")";
    }

    static String substitute(String expr) {
        String out = expr;
        for (Map.Entry<String, String> v : VARIABLES.entrySet()) {
            out = out.replace(v.getKey(), v.getValue());
        }
        assertThat(out).as("every Grafana variable replaced").doesNotContain("$");
        return out;
    }

    private static List<JsonNode> panels(JsonNode root) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode panel : root.path("panels")) {
            all.add(panel);
            panel.path("panels").forEach(all::add); // panels inside collapsed rows
        }
        return all;
    }

    private JsonNode query(String promql) throws Exception {
        return json.readTree(get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body());
    }

    private double value(String promql) throws Exception {
        JsonNode result = query(promql).path("data").path("result");
        return result.isEmpty() ? Double.NaN : result.get(0).path("value").path(1).asDouble();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort + path))
                                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The tool from PATH, installing Debian's prometheus package first when it is missing. */
    static synchronized String tool(String name) throws Exception {
        Path found = onPath(name);
        if (found == null) {
            // CI machines are fresh Debian with root and Debian's archive reachable.
            run(Duration.ofMinutes(10), "apt-get", "update");
            run(Duration.ofMinutes(10), "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y",
                "--no-install-recommends", "prometheus");
            found = onPath(name);
        }
        if (found == null) {
            fail(name + " is not installed and installing Debian's prometheus package did not provide it");
        }
        return found.toString();
    }

    private static Path onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String run(String... command) throws Exception {
        return run(Duration.ofMinutes(1), command);
    }

    private static String run(Duration timeout, String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = in.readAllBytes(); // ends when the process closes its output
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " took longer than " + timeout);
        }
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s\n%s", String.join(" ", command), text).isZero();
        return text;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
