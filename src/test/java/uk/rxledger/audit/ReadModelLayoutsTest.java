package uk.rxledger.audit;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import uk.rxledger.ClockConfiguration;
import uk.rxledger.regimen.Frailty;
import uk.rxledger.regimen.PatientProjection;
import uk.rxledger.regimen.RegimenCommands;
import uk.rxledger.regimen.RegimenCommands.Recorded;
import uk.rxledger.regimen.Sex;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An upgrade that changes how a read model is stored: documents of the old layout (the patients' lines inside the
 * patient document, before ADR 0014) make the service rebuild that read model when it starts, and only then.
 */
@SpringBootTest
class ReadModelLayoutsTest {

    static final LocalDate TODAY = LocalDate.now(ClockConfiguration.ZONE);

    @Autowired
    CommandGateway commands;
    @Autowired
    PatientProjection patients;
    @Autowired
    ReadModelLayouts layouts;
    @Autowired
    MongoDatabase database;

    @Test
    void documentsOfAnOlderLayoutAreRebuiltAtStartAndTheLayoutIsRecorded() {
        // Recorded when this (fresh) service started.
        assertThat(database.getCollection(ReadModelLayouts.COLLECTION).find(Filters.eq("_id", "patients")).first()
                           .getInteger("layout")).isEqualTo(patients.layout());
        String id = "layout-" + UUID.randomUUID();
        commands.sendAndWait(new RegimenCommands.RegisterPatient(id, "C83001", "U00001", LocalDate.of(1950, 1, 1),
                                                                 Sex.FEMALE, false, Frailty.NONE));
        Recorded line = commands.sendAndWait(new RegimenCommands.StartMedicine(
                id, "0103050P0AAAAAA", 1, 1, TODAY.minusDays(30), "dyspepsia", null));
        assertThat(patients.awaitSequence(id, line.sequence(), Duration.ofSeconds(10))).isTrue();
        assertThat(layouts.check()).as("nothing to do on the current layout").isEmpty();

        // The store as the previous release left it: lines inside the patient's document, no layout recorded.
        var stored = database.getCollection(PatientProjection.COLLECTION);
        Document old = stored.find(Filters.eq("_id", id)).first();
        old.remove("parts");
        old.put("lines", List.of(new Document("_id", "L1").append("medicineCode", "0103050P0AAAAAA")));
        stored.replaceOne(Filters.eq("_id", id), old);
        database.getCollection(PatientProjection.LINES).deleteMany(Filters.eq("owner", id));
        database.getCollection(ReadModelLayouts.COLLECTION).deleteMany(new Document());
        assertThat(patients.find(id).orElseThrow().lines).isEmpty();

        assertThat(layouts.check()).containsExactly("patients");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(patients.find(id).orElseThrow().lines)
                .extracting(l -> l.id + " " + l.medicineCode + " " + l.indication)
                .containsExactly("L1 0103050P0AAAAAA dyspepsia"));
        assertThat(stored.find(Filters.eq("_id", id)).first()).doesNotContainKey("lines");
        assertThat(layouts.check()).as("recorded: not rebuilt again").isEmpty();
    }
}
