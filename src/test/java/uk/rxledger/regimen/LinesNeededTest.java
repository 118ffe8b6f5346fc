package uk.rxledger.regimen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The projection reads only the lines {@link PatientEvents#linesNeeded} names for an event (ADR 0014): for every kind
 * of event, applying it to a view holding only those lines must give the same view, and the same lines, as applying
 * it to the whole view, and leave the other lines as they were.
 */
class LinesNeededTest {

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());
    static final LocalDate DAY = LocalDate.of(2026, 11, 2);
    static final String P = "p-1";

    static Stream<PatientEvent> events() {
        AlertFinding finding = new AlertFinding("PINCER_1", "1", "t", "PINCER", "SAFETY", "HIGH", "https://x", "m", "r",
                                                List.of("L2"), List.of(), List.of());
        return Stream.of(
                new ConditionRecorded(P, Condition.values()[0], DAY, null),
                new ObservationRecorded(P, ObservationKind.values()[0], DAY, 45.0, "mL/min"),
                new MedicineStarted(P, "L4", "0103050P0AAAAAA", 1, 1, DAY, "dyspepsia", "G1"),
                new MedicineDispensed(P, "L2", 28, DAY),
                new DoseChanged(P, "L2", 2, 1, DAY, "review", 1, 1),
                new MedicineSwitched(P, "L2", "0103050P0AAAAAA", "L4", "0103050R0AAABAB", 1, 1, DAY,
                                     SwitchReason.FORMULARY, 3.0),
                new MedicineDeprescribed(P, "L2", "0103050P0AAAAAA", DAY, DeprescribeReason.values()[0], 4.0, null),
                new AdherenceChecked(P, "L2", DAY, AdherenceMethod.SELF_REPORT, DAY.minusDays(7), DAY, null, 1.0, 0.85,
                                     true, 0.8),
                new MedicationReviewCompleted(P, DAY, "pharmacist-1", ReviewKind.STRUCTURED, null),
                new AlertRaised(P, "A2", finding, DAY),
                new AlertResolved(P, "A1", DAY),
                new AlertAnswered(P, "A1", AlertDecision.ACCEPTED, "agreed", DAY, "gp-1"));
    }

    /** A patient with three lines (L1 dispensed, L2 with an indication, L3 stopped) and one open alert. */
    static PatientView patient() {
        PatientView view = PatientEvents.registered(new PatientRegistered(P, "C83001", "U00001",
                                                                          LocalDate.of(1940, 1, 1), Sex.OTHER, false,
                                                                          Frailty.MILD));
        PatientEvents.apply(view, new MedicineStarted(P, "L1", "1001010J0AAAEAE", 1, 3, DAY.minusDays(90), null, null));
        PatientEvents.apply(view, new MedicineDispensed(P, "L1", 84, DAY.minusDays(60)));
        PatientEvents.apply(view, new MedicineStarted(P, "L2", "0103050P0AAAAAA", 1, 1, DAY.minusDays(60), "gord",
                                                      "G1"));
        PatientEvents.apply(view, new MedicineStarted(P, "L3", "0401020K0AAAHAH", 1, 1, DAY.minusDays(50), null,
                                                      null));
        PatientEvents.apply(view, new MedicineDeprescribed(P, "L3", "0401020K0AAAHAH", DAY.minusDays(10),
                                                           DeprescribeReason.values()[0], null, null));
        AlertFinding finding = new AlertFinding("STOPP_D5", "1", "t", "STOPP_V2", "SAFETY", "MEDIUM", "https://x", "m",
                                                "r", List.of("L3"), List.of(), List.of());
        PatientEvents.apply(view, new AlertRaised(P, "A1", finding, DAY.minusDays(20)));
        return view;
    }

    @ParameterizedTest
    @MethodSource("events")
    void anEventSeesTheLinesItNeedsAndChangesNoOther(PatientEvent event) throws Exception {
        PatientView whole = patient();
        PatientEvents.apply(whole, event);

        PatientView partial = patient();
        assertThat(PatientEvents.linesNeeded(event)).as("every kind of event is named").isNotNull();
        List<String> needed = List.copyOf(PatientEvents.linesNeeded(event));
        List<PatientView.LineView> others = new ArrayList<>(partial.lines);
        partial.lines.removeIf(line -> !needed.contains(line.id));
        others.removeAll(partial.lines);
        PatientEvents.apply(partial, event);

        // Every line but the needed and the new ones is as it was, and the rest of the view is the same either way.
        List<PatientView.LineView> untouched = new ArrayList<>(whole.lines);
        untouched.removeIf(line -> needed.contains(line.id) || partial.line(line.id).isPresent());
        assertThat(JSON.writeValueAsString(untouched)).isEqualTo(JSON.writeValueAsString(others));
        partial.lines.addAll(0, others);
        partial.lines.sort(java.util.Comparator.comparing(line -> line.id));
        assertThat(JSON.writeValueAsString(partial)).isEqualTo(JSON.writeValueAsString(whole));
    }

    @Test
    void everyKindOfPatientEventIsCovered() {
        var kinds = new com.tngtech.archunit.core.importer.ClassFileImporter()
                .importPackages("uk.rxledger").stream()
                .filter(c -> c.isAssignableTo(PatientEvent.class) && !c.isInterface())
                .map(c -> c.getName()).collect(java.util.stream.Collectors.toSet());
        kinds.remove(PatientRegistered.class.getName()); // starts the view: never applied
        assertThat(events().map(e -> e.getClass().getName()).collect(java.util.stream.Collectors.toSet()))
                .isEqualTo(kinds);
    }

    @ParameterizedTest
    @MethodSource("events")
    void aLineEventNamesItsLine(PatientEvent event) throws Exception {
        PatientView whole = patient();
        String before = JSON.writeValueAsString(whole.lines);
        PatientEvents.apply(whole, event);
        List<PatientView.LineView> existing = whole.lines.stream().filter(l -> !l.id.equals("L4")).toList();
        boolean changesAnExistingLine = !JSON.writeValueAsString(existing).equals(before);
        assertThat(!PatientEvents.linesNeeded(event).isEmpty()).as("needs a line").isEqualTo(changesAnExistingLine);
    }
}
