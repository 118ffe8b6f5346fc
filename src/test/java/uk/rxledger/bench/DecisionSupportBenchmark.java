package uk.rxledger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import uk.rxledger.decisionsupport.WorklistProjection;
import uk.rxledger.regimen.Condition;
import uk.rxledger.regimen.Frailty;
import uk.rxledger.regimen.RegimenCommands;
import uk.rxledger.regimen.Sex;
import uk.rxledger.support.ContractClient;
import uk.rxledger.access.Role;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The practice worklist on a practice of 10,000 patients on the embedded server: latency of the first page and of
 * filtered pages through the real HTTP/GraphQL path (goal: p95 under 100 ms). The population goes through the command
 * gateway, so the worklist is built by the real policy and projections. Run: {@code ./mvnw -Pbench test
 * -Dtest=DecisionSupportBenchmark} (sizes: -Dbench.patients, -Dbench.samples).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
                properties = "rxledger.embedded-mongo.backend=MEMORY")
class DecisionSupportBenchmark {

    static final String PRACTICE = "B86001";
    /** Products the rules look at: NSAIDs, PPIs, benzodiazepines, opioids, anticholinergics, statins, ... */
    static final String[] PRODUCTS = {"1001010P0AAAEAE", "0103050P0AAAAAA", "0401020K0AAAHAH", "0407020C0AAAEAE",
            "0403010B0AAAGAG", "0212000B0AAADAD", "0205051R0AAACAC", "0601022B0AAABAB", "0206020A0AAAAAA",
            "0204000H0AAAAAA", "0209000A0AAABAB", "0208020Z0AAABAB"};

    @LocalServerPort
    int port;
    @Autowired
    CommandGateway commands;
    @Autowired
    MongoDatabase database;

    @Test
    void worklistOfAPracticeOf10000Patients() throws Exception {
        int patients = Integer.getInteger("bench.patients", 10_000);
        int samples = Integer.getInteger("bench.samples", 200);
        LocalDate today = LocalDate.now(ZoneId.of("Europe/London"));

        long populateStart = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            work.add(pool.submit(() -> {
                Random random = new Random(42 + thread);
                for (int i = thread; i < patients; i += 4) {
                    populate("wl-" + i, random, today);
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get(30, TimeUnit.MINUTES);
        }
        pool.shutdown();
        double commandsSeconds = (System.nanoTime() - populateStart) / 1e9;
        var worklist = database.getCollection(WorklistProjection.COLLECTION);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
        while (worklist.countDocuments(Filters.eq("practice", PRACTICE)) < patients && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        Thread.sleep(5000); // let the last alert reconciliations settle
        double builtSeconds = (System.nanoTime() - populateStart) / 1e9;

        ContractClient client = new ContractClient(port).as(Role.CLINICIAN, PRACTICE);
        Map<String, Map<String, Object>> cases = new java.util.LinkedHashMap<>();
        cases.put("first page (20), no filter", variables(null, null));
        cases.put("filtered: smrEligible", variables(Map.of("smrEligible", true), null));
        cases.put("filtered: category SAFETY", variables(Map.of("category", "SAFETY"), null));
        cases.put("filtered: minActiveMedicines 4 + hasOpenAlerts", variables(
                Map.of("minActiveMedicines", 4, "hasOpenAlerts", true), null));
        JsonNode firstPage = client.run("decision-support.graphql", "PracticeWorklist", variables(null, null));
        cases.put("second page (cursor)", variables(null,
                firstPage.at("/data/practiceWorklist/pageInfo/endCursor").asText()));

        StringBuilder report = new StringBuilder();
        report.append("\n## Worklist (issue 3)\n\n")
              .append(String.format("Practice of %,d patients (%,d in the worklist), built through the command gateway"
                                    + " in %.0f s of commands and %.0f s until the worklist was complete.%n%n",
                                    patients, worklist.countDocuments(Filters.eq("practice", PRACTICE)),
                                    commandsSeconds, builtSeconds))
              .append(String.format("totalCount first page: %s; smrEligible: %s; SAFETY: %s%n%n",
                                    firstPage.at("/data/practiceWorklist/totalCount").asText(),
                                    count(client, Map.of("smrEligible", true)),
                                    count(client, Map.of("category", "SAFETY"))))
              .append("| query over HTTP | samples | median ms | p95 ms | max ms | goal p95 < 100 ms |\n")
              .append("|---|---|---|---|---|---|\n");
        for (var entry : cases.entrySet()) {
            for (int i = 0; i < 20; i++) {
                client.run("decision-support.graphql", "PracticeWorklist", entry.getValue());
            }
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                long start = System.nanoTime();
                JsonNode response = client.run("decision-support.graphql", "PracticeWorklist", entry.getValue());
                millis.add((System.nanoTime() - start) / 1e6);
                if (response.has("errors")) {
                    throw new AssertionError(response.toString());
                }
            }
            Collections.sort(millis);
            double p95 = millis.get((int) Math.ceil(samples * 0.95) - 1);
            report.append(String.format("| %s | %d | %.1f | %.1f | %.1f | %s |%n", entry.getKey(), samples,
                                        millis.get(samples / 2), p95, millis.get(samples - 1),
                                        p95 < 100 ? "PASS" : "MISS"));
        }
        System.out.println(report);
    }

    private void populate(String id, Random random, LocalDate today) {
        int age = 40 + random.nextInt(56);
        commands.sendAndWait(new RegimenCommands.RegisterPatient(id, PRACTICE, "U11111",
                today.minusYears(age).minusDays(random.nextInt(365)), random.nextBoolean() ? Sex.FEMALE : Sex.MALE,
                random.nextInt(20) == 0, random.nextInt(15) == 0 ? Frailty.SEVERE : Frailty.NONE));
        if (random.nextInt(8) == 0) {
            commands.sendAndWait(new RegimenCommands.RecordCondition(id, Condition.PEPTIC_ULCER_OR_GI_BLEED,
                                                                     today.minusYears(3), null));
        }
        int lines = 1 + random.nextInt(age > 70 ? 7 : 4);
        for (int l = 0; l < lines; l++) {
            commands.sendAndWait(new RegimenCommands.StartMedicine(id, PRODUCTS[random.nextInt(PRODUCTS.length)], 1,
                                                                   1 + random.nextInt(2),
                                                                   today.minusDays(10 + random.nextInt(400)),
                                                                   null, null));
        }
    }

    private static Map<String, Object> variables(Map<String, Object> filter, String after) {
        Map<String, Object> variables = new HashMap<>();
        variables.put("practice", PRACTICE);
        variables.put("filter", filter);
        variables.put("after", after);
        return variables;
    }

    private static String count(ContractClient client, Map<String, Object> filter) {
        return client.run("decision-support.graphql", "PracticeWorklist", variables(filter, null))
                     .at("/data/practiceWorklist/totalCount").asText();
    }
}
