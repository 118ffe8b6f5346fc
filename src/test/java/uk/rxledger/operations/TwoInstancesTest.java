package uk.rxledger.operations;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import uk.rxledger.decisionsupport.WorklistEntry;
import uk.rxledger.decisionsupport.WorklistProjection;
import uk.rxledger.eventstore.EmbeddedMongoServer;
import uk.rxledger.governance.GovernanceMetrics;
import uk.rxledger.regimen.AdherenceMethod;
import uk.rxledger.regimen.AlertRaised;
import uk.rxledger.regimen.DeprescribeReason;
import uk.rxledger.regimen.Frailty;
import uk.rxledger.regimen.LineStatus;
import uk.rxledger.regimen.PatientEvent;
import uk.rxledger.regimen.PatientEvents;
import uk.rxledger.regimen.PatientProjection;
import uk.rxledger.regimen.PatientView;
import uk.rxledger.regimen.RegimenCommands.CompleteMedicationReview;
import uk.rxledger.regimen.RegimenCommands.DeprescribeMedicine;
import uk.rxledger.regimen.RegimenCommands.RecordAdherenceCheck;
import uk.rxledger.regimen.RegimenCommands.RecordDispensing;
import uk.rxledger.regimen.RegimenCommands.RegisterPatient;
import uk.rxledger.regimen.RegimenCommands.StartMedicine;
import uk.rxledger.regimen.RegimenCommands.SwitchMedicine;
import uk.rxledger.regimen.ReviewKind;
import uk.rxledger.regimen.Sex;
import uk.rxledger.regimen.SwitchReason;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two application instances on one MongoDB (an embedded server process of our own, shared over TCP as a replica set
 * would be): the pooled processors split their segments between the instances, every event is projected once and
 * exactly as replaying the stream gives, and the governance counters summed over the instances equal the events.
 */
class TwoInstancesTest {

    static final String OMEPRAZOLE_20 = "0103050P0AAAAAA";
    static final String PANTOPRAZOLE_20 = "0103050R0AAABAB";
    static final String IBUPROFEN_400 = "1001010J0AAAEAE";
    static final String DIAZEPAM_2 = "0401020K0AAAHAH";
    /** The processors whose four segments are shared through the MongoDB token store. */
    static final List<String> SHARED = List.of("patients", "worklist", "alert-policy",
                                               GovernanceMetrics.PROCESSING_GROUP);
    static final int PATIENTS = 24;

    static EmbeddedMongoServer mongo;
    static MongoClient client;
    static MongoDatabase database;
    static ConfigurableApplicationContext first;
    static ConfigurableApplicationContext second;

    @BeforeAll
    static void startTwoInstancesOnOneStore() {
        mongo = EmbeddedMongoServer.inMemory();
        String uri = mongo.connectionString() + "/two-instances";
        client = MongoClients.create(mongo.connectionString());
        database = client.getDatabase("two-instances");
        first = start(uri, "node-a");
        second = start(uri, "node-b");
    }

    static ConfigurableApplicationContext start(String uri, String node) {
        return InProcessApplication.start(
                "--spring.data.mongodb.uri=" + uri,
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--rxledger.node-id=" + node,
                // as in production (application-prod.properties): no aggregate cache across instances
                "--rxledger.aggregate-cache.enabled=false",
                // global indexes in blocks although both instances write (ADR 0013): each stream stays in index order
                "--rxledger.eventstore.index-block-size=64",
                // quick rounds, so the test sees the split within seconds rather than tens of them
                "--rxledger.processors.balance-interval-ms=300",
                "--rxledger.processors.token-claim-interval-ms=300",
                "--rxledger.metrics.state-initial-delay-ms=3600000");
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[]{second, first}) {
            if (context != null) {
                context.close();
            }
        }
        if (client != null) {
            client.close();
        }
        if (mongo != null) {
            mongo.close();
        }
    }

    @Test
    void theInstancesSplitTheSegmentsAndTogetherProjectAndCountEveryEventOnce() {
        awaitSplit();

        String practiceA = "K" + (10_000 + (int) (Math.random() * 89_999));
        String practiceB = "L" + (10_000 + (int) (Math.random() * 89_999));
        String pcn = "U" + (10_000 + (int) (Math.random() * 89_999));
        LocalDate today = LocalDate.now();
        Map<String, Double> expected = new HashMap<>();
        List<String> patientIds = new ArrayList<>();
        CommandGateway[] gateways = {first.getBean(CommandGateway.class), second.getBean(CommandGateway.class)};
        int[] sent = {0};
        // Commands alternate between the instances, even for one patient: each instance's cached aggregate goes
        // stale and the command gateway retries the lost race, as it would behind a load balancer.
        java.util.function.Consumer<Object> send = command -> gateways[sent[0]++ % 2].sendAndWait(command);

        for (int i = 0; i < PATIENTS; i++) {
            String id = "two-" + i + "-" + (int) (Math.random() * 1_000_000);
            String practice = i % 2 == 0 ? practiceA : practiceB;
            patientIds.add(id);
            send.accept(new RegisterPatient(id, practice, pcn, today.minusYears(70 + i % 20), Sex.FEMALE, false,
                                            Frailty.NONE));
            send.accept(new StartMedicine(id, OMEPRAZOLE_20, 1, 1, today.minusDays(100), null, null));
            for (int daysAgo : new int[]{84, 56, 28}) {
                send.accept(new RecordDispensing(id, "L1", 28, today.minusDays(daysAgo)));
            }
            send.accept(new StartMedicine(id, IBUPROFEN_400, 1, 3, today.minusDays(60), null, null));
            send.accept(new RecordAdherenceCheck(id, "L1", today.minusDays(15), AdherenceMethod.REFILL_RECORD,
                                                 today.minusDays(90), today.minusDays(16), null, null));
            if (i % 2 == 0) {
                // a benzodiazepine for weeks at 70+: the rules raise alerts (STOPP_D5, SMR_ADDICTIVE)
                send.accept(new StartMedicine(id, DIAZEPAM_2, 1, 1, today.minusDays(60), null, null));
            }
            expected.merge(key("rxledger.patients.registered", practice), 1.0, Double::sum);
            expected.merge(key("rxledger.medicines.started", practice), i % 2 == 0 ? 3.0 : 2.0, Double::sum);
            expected.merge(key("rxledger.dispensings", practice), 3.0, Double::sum);
            expected.merge(key("rxledger.adherence.checks", practice), 1.0, Double::sum);
            if (i % 3 == 0) {
                send.accept(new SwitchMedicine(id, "L1", PANTOPRAZOLE_20, 1, 1, today.minusDays(10),
                                               SwitchReason.FORMULARY, null));
                expected.merge(key("rxledger.medicine.switches", practice), 1.0, Double::sum);
            } else if (i % 3 == 1) {
                send.accept(new DeprescribeMedicine(id, "L2", today.minusDays(10), DeprescribeReason.ADVERSE_EFFECT,
                                                    null, null));
                expected.merge(key("rxledger.deprescribings", practice), 1.0, Double::sum);
            }
            if (i % 4 == 0) {
                send.accept(new CompleteMedicationReview(id, today.minusDays(5), "pharmacist-1",
                                                         ReviewKind.STRUCTURED, null));
                expected.merge(key("rxledger.medication.reviews", practice), 1.0, Double::sum);
            }
        }

        // Commands alternate between the instances, each with its own block of indexes: every stream is in index order.
        for (String id : patientIds) {
            List<Long> indexes = database.getCollection("events").find(eq("aggregateId", id))
                    .sort(com.mongodb.client.model.Sorts.ascending("seq"))
                    .map(d -> d.get("_id", Number.class).longValue()).into(new java.util.ArrayList<>());
            assertThat(indexes).as(id).hasSizeGreaterThan(5).isSorted();
        }

        // Every patient's read model is what replaying their stream gives, and every event was applied once.
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
        EventStore eventStore = first.getBean(EventStore.class);
        PatientProjection patients = first.getBean(PatientProjection.class);
        WorklistProjection worklist = second.getBean(WorklistProjection.class);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int i = 0; i < PATIENTS; i++) {
                String id = patientIds.get(i);
                List<PatientEvent> stream = eventStore.readEvents(id).asStream()
                        .map(m -> (PatientEvent) m.getPayload()).toList();
                PatientView replayed = PatientEvents.replay(stream);
                PatientView projected = patients.find(id).orElseThrow();
                assertThat(json.writeValueAsString(projected)).as(id).isEqualTo(json.writeValueAsString(replayed));
                assertThat(projected.line("L1").orElseThrow().unitsDispensed).isEqualTo(84.0);
                assertThat(projected.line("L1").orElseThrow().status)
                        .isEqualTo(i % 3 == 0 ? LineStatus.SWITCHED : LineStatus.ACTIVE);
                assertThat(projected.line("L2").orElseThrow().status)
                        .isEqualTo(i % 3 == 1 ? LineStatus.DEPRESCRIBED : LineStatus.ACTIVE);
                assertThat(projected.lines).hasSize(2 + (i % 2 == 0 ? 1 : 0) + (i % 3 == 0 ? 1 : 0));
                WorklistEntry entry = worklist.entries().find(eq("_id", id)).first();
                assertThat(entry).isNotNull();
                assertThat(entry.lastSeq).isEqualTo(projected.lastSeq);
                assertThat(entry.practice).isEqualTo(i % 2 == 0 ? practiceA : practiceB);
                assertThat(entry.activeMedicineCount).isEqualTo(2 - (i % 3 == 1 ? 1 : 0) + (i % 2 == 0 ? 1 : 0));
            }
        });

        // Counters summed over the instances equal the events: nothing lost, nothing counted twice.
        MeterRegistry[] registries = {first.getBean(MeterRegistry.class), second.getBean(MeterRegistry.class)};
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            // The rules raise alerts asynchronously: the stores' AlertRaised events are the expected counts.
            Map<String, Integer> alertsRaised = new HashMap<>();
            for (String id : patientIds) {
                eventStore.readEvents(id).asStream().map(m -> m.getPayload()).filter(AlertRaised.class::isInstance)
                          .forEach(e -> alertsRaised.merge(((AlertRaised) e).finding().ruleCode(), 1, Integer::sum));
            }
            assertThat(alertsRaised).containsKey("STOPP_D5");
            expected.forEach((k, n) -> {
                String[] nameAndPractice = k.split("\\|");
                assertThat(sum(registries, nameAndPractice[0], "practice", nameAndPractice[1])).as(k).isEqualTo(n);
            });
            alertsRaised.forEach((rule, n) -> assertThat(sum(registries, "rxledger.alerts.raised", "rule", rule))
                    .as(rule).isEqualTo((double) n));
        });
        // Each instance counted part of the events: the work was split, not duplicated.
        for (MeterRegistry registry : registries) {
            assertThat(sum(new MeterRegistry[]{registry}, "rxledger.medicines.started", "pcn", pcn))
                    .isGreaterThan(0).isLessThan(2.0 * PATIENTS);
        }
        // Still split once the work is done.
        assertThat(owners()).allSatisfy((processor, byOwner) ->
                assertThat(byOwner).as(processor).containsOnlyKeys("node-a", "node-b").containsValues(2));
    }

    /** Waits until every shared processor's four segments are owned two by each instance, in the token store too. */
    private static void awaitSplit() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<String, Map<String, Integer>> owners = owners();
            assertThat(owners.keySet()).containsAll(SHARED);
            for (String processor : SHARED) {
                assertThat(owners.get(processor)).as(processor).isEqualTo(Map.of("node-a", 2, "node-b", 2));
                for (ConfigurableApplicationContext context : List.of(first, second)) {
                    assertThat(context.getBean(EventProcessingConfiguration.class)
                                      .eventProcessor(processor, StreamingEventProcessor.class).orElseThrow()
                                      .processingStatus()).as(processor).hasSize(2);
                }
            }
        });
    }

    /** Segment owners per processor, as the token store records them. */
    private static Map<String, Map<String, Integer>> owners() {
        Map<String, Map<String, Integer>> owners = new HashMap<>();
        Set<String> shared = new HashSet<>(SHARED);
        for (Document token : database.getCollection("trackingtokens").find()) {
            String processor = token.getString("processorName");
            if (shared.contains(processor)) {
                owners.computeIfAbsent(processor, p -> new HashMap<>())
                      .merge(String.valueOf(token.getString("owner")), 1, Integer::sum);
            }
        }
        return owners;
    }

    private static String key(String name, String practice) {
        return name + "|" + practice;
    }

    private static double sum(MeterRegistry[] registries, String name, String... tags) {
        double total = 0;
        for (MeterRegistry registry : registries) {
            total += registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
        }
        return total;
    }
}
