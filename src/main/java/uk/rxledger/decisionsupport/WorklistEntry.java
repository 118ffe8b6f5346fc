package uk.rxledger.decisionsupport;

import uk.rxledger.projection.ProjectedDocument;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** One patient on their practice's worklist, with what the worklist filters and sorts on. */
public class WorklistEntry extends ProjectedDocument {

    public String practice;
    public String pcn;
    public LocalDate birthDate;
    public int activeMedicineCount;
    public int acbTotal;
    public int openAlertCount;
    public int openSafetyAlertCount;
    /** Categories of the patient's open alerts (filter: "has an open alert of category X"). */
    public List<String> openCategories = new ArrayList<>();
    public boolean smrEligible;
    public List<String> smrReasons = new ArrayList<>();
    public double priorityScore;
    /** The date the time-dependent parts (SMR eligibility) were computed for. */
    public LocalDate evaluatedOn;
}
