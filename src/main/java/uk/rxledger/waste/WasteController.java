package uk.rxledger.waste;

import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.stereotype.Controller;
import uk.rxledger.catalogue.Catalogue;
import uk.rxledger.catalogue.Medicine;
import uk.rxledger.regimen.PatientView;

import java.util.List;

/** A patient's waste and savings over GraphQL, computed from their read model when asked. */
@Controller
public class WasteController {

    private final Catalogue catalogue;

    public WasteController(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    record PatientWaste(long totalWastePence, List<WasteEntry> entries) {
    }

    record PatientSavings(long annualSavingsPence, List<SavingsEntry> entries) {
    }

    @SchemaMapping(typeName = "Patient")
    public PatientWaste waste(PatientView patient) {
        List<WasteEntry> entries = Waste.of(patient, catalogue);
        return new PatientWaste(Waste.totalPence(entries), entries);
    }

    @SchemaMapping(typeName = "Patient")
    public PatientSavings savings(PatientView patient) {
        List<SavingsEntry> entries = Savings.of(patient, catalogue);
        return new PatientSavings(Savings.totalPence(entries), entries);
    }

    @SchemaMapping(typeName = "WasteEntry")
    public Medicine medicine(WasteEntry entry) {
        return catalogue.find(entry.medicineCode()).orElseThrow(
                () -> new IllegalStateException("Catalogue no longer lists " + entry.medicineCode()));
    }
}
