package uk.rxledger.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CatalogueTest {

    private static final String HEADER =
            "code,name,strength,strength_mg,form,unit,bnf_chemical_code,drug_class,acb_score,"
                    + "price_pence_per_unit,formulary_alternative";
    private static final String OMEPRAZOLE_20 =
            "0103050P0AAAAAA,Omeprazole 20 mg gastro-resistant capsules,20 mg,20,gastro-resistant capsule,"
                    + "capsule,0103050P0,PPI,0,3.07,";
    private static final String ESOMEPRAZOLE_20 =
            "0103050E0AAAAAA,Esomeprazole 20 mg gastro-resistant tablets,20 mg,20,gastro-resistant tablet,"
                    + "tablet,0103050E0,PPI,0,5.4,0103050P0AAAAAA";

    private static Catalogue catalogue;

    @BeforeAll
    static void load() {
        catalogue = Catalogue.loadDefault();
    }

    // ------------------------------------------------------------------ the shipped file

    @Test
    void defaultFileLoadsWithAtLeast110Products() {
        assertThat(catalogue.size()).isGreaterThanOrEqualTo(110);
        assertThat(catalogue.all()).hasSize(catalogue.size());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "NSAID", "PPI", "H2_RECEPTOR_ANTAGONIST", "ANTIPLATELET", "ORAL_ANTICOAGULANT", "ACE_INHIBITOR",
            "ARB", "LOOP_DIURETIC", "THIAZIDE_DIURETIC", "BETA_BLOCKER_CARDIOSELECTIVE",
            "BETA_BLOCKER_NON_SELECTIVE", "RATE_LIMITING_CCB", "DIHYDROPYRIDINE_CCB", "METHOTREXATE", "LITHIUM",
            "AMIODARONE", "BIGUANIDE", "SULFONYLUREA", "DPP4_INHIBITOR", "SGLT2_INHIBITOR", "BENZODIAZEPINE",
            "Z_DRUG", "OPIOID", "LAXATIVE", "GABAPENTINOID", "STATIN", "TRICYCLIC_ANTIDEPRESSANT", "SSRI",
            "SNRI", "ANTIMUSCARINIC_BLADDER", "SEDATING_ANTIHISTAMINE", "ANTIPSYCHOTIC",
            "ANTIPARKINSON_ANTIMUSCARINIC", "ANTIEPILEPTIC", "CORTICOSTEROID_ORAL", "LEVOTHYROXINE",
            "INHALED_SABA", "INHALED_CORTICOSTEROID", "DIGOXIN", "PARACETAMOL", "ALPHA_BLOCKER", "ANTIEMETIC",
            "BETA3_AGONIST"})
    void everyControlledDrugClassIsRepresented(String drugClass) {
        assertThat(catalogue.drugClasses()).contains(drugClass);
        assertThat(catalogue.byDrugClass(drugClass))
                .isNotEmpty()
                .allSatisfy(m -> assertThat(m.drugClass()).isEqualTo(drugClass));
    }

    @Test
    void everyDrugClassIsUpperSnakeCase() {
        assertThat(catalogue.drugClasses()).allMatch(c -> c.matches("[A-Z][A-Z0-9]*(_[A-Z0-9]+)*"));
    }

    @Test
    void codesAreUniqueFifteenCharacterCodesAndChemicalCodeIsTheirPrefix() {
        Set<String> seen = new HashSet<>();
        for (Medicine m : catalogue.all()) {
            assertThat(m.code()).hasSize(15);
            assertThat(seen.add(m.code())).as("duplicate %s", m.code()).isTrue();
            assertThat(m.bnfChemicalCode()).hasSize(9);
            assertThat(m.code()).startsWith(m.bnfChemicalCode());
        }
    }

    @Test
    void valuesAreWithinTheirRanges() {
        assertThat(catalogue.all()).allSatisfy(m -> {
            assertThat(m.acbScore()).isBetween(0, 3);
            assertThat(m.pricePerUnitPence()).isPositive();
            assertThat(m.unit()).isIn("tablet", "capsule", "ml", "dose", "patch", "sachet");
            assertThat(m.name()).doesNotContainPattern("\\d(mg|microgram|ml|unit)");
            if (m.strengthMg() != null) {
                assertThat(m.strengthMg()).isPositive();
            }
        });
    }

    @Test
    void atLeastEightProductsHaveAcbScoreThree() {
        assertThat(catalogue.all().stream().filter(m -> m.acbScore() == 3)).hasSizeGreaterThanOrEqualTo(8);
    }

    @Test
    void acbScoresOfWellKnownProductsFollowAcbCalc() {
        assertThat(catalogue.find("0403010B0AAAGAG")).get().extracting(Medicine::acbScore).isEqualTo(3); // amitriptyline
        assertThat(catalogue.find("0704020J0AAACAC")).get().extracting(Medicine::acbScore).isEqualTo(3); // oxybutynin
        assertThat(catalogue.find("0202020L0AABDBD")).get().extracting(Medicine::acbScore).isEqualTo(1); // furosemide
        assertThat(catalogue.find("0408010C0AAACAC")).get().extracting(Medicine::acbScore).isEqualTo(2); // carbamazepine
        assertThat(catalogue.find("0704020AEAAABAB")).get().extracting(Medicine::acbScore).isEqualTo(0); // mirabegron
    }

    @Test
    void everyFormularyAlternativeExistsIsCheaperPerUnitAndHasNoAlternativeOfItsOwn() {
        List<Medicine> withAlternative = catalogue.all().stream()
                .filter(m -> m.formularyAlternativeCode() != null)
                .toList();
        assertThat(withAlternative).hasSizeGreaterThanOrEqualTo(10);
        for (Medicine m : withAlternative) {
            Medicine alt = catalogue.formularyAlternative(m).orElseThrow();
            assertThat(alt.code()).isEqualTo(m.formularyAlternativeCode());
            assertThat(alt.pricePerUnitPence()).as("%s -> %s", m.name(), alt.name())
                    .isLessThan(m.pricePerUnitPence());
            assertThat(alt.formularyAlternativeCode()).as("chain via %s", alt.name()).isNull();
        }
    }

    @Test
    void mirabegronIsNeitherPairedNorATarget() {
        Medicine mirabegron = catalogue.byDrugClass("BETA3_AGONIST").get(0);
        assertThat(mirabegron.formularyAlternativeCode()).isNull();
        assertThat(catalogue.all()).noneMatch(m -> mirabegron.code().equals(m.formularyAlternativeCode()));
    }

    @Test
    void formularyAlternativeExample() {
        Medicine esomeprazole = catalogue.find("0103050E0AAAAAA").orElseThrow();
        assertThat(catalogue.formularyAlternative(esomeprazole))
                .get().extracting(Medicine::name).isEqualTo("Omeprazole 20 mg gastro-resistant capsules");
        Medicine omeprazole = catalogue.find("0103050P0AAAAAA").orElseThrow();
        assertThat(catalogue.formularyAlternative(omeprazole)).isEmpty();
        assertThat(catalogue.formularyAlternative(null)).isEmpty();
    }

    // ------------------------------------------------------------------ look-ups

    @Test
    void findIsNullSafe() {
        assertThat(catalogue.find(null)).isEmpty();
        assertThat(catalogue.find("NOPE")).isEmpty();
        assertThat(catalogue.find("0103050P0AAAAAA")).get()
                .extracting(Medicine::name).isEqualTo("Omeprazole 20 mg gastro-resistant capsules");
    }

    @Test
    void searchForOmeprazole20FindsTheCapsulesFirst() {
        List<Medicine> hits = catalogue.search("omeprazole 20");
        assertThat(hits).isNotEmpty();
        assertThat(hits.get(0).name()).isEqualTo("Omeprazole 20 mg gastro-resistant capsules");
    }

    @Test
    void searchIsCaseInsensitive() {
        assertThat(catalogue.search("OMEPRAZOLE 20")).isEqualTo(catalogue.search("omeprazole 20"));
        assertThat(catalogue.search("  Ramipril   CAPSULE ")).isEqualTo(catalogue.search("ramipril capsule"));
    }

    @Test
    void searchRequiresEveryWord() {
        List<Medicine> hits = catalogue.search("ramipril capsules");
        assertThat(hits).isNotEmpty().allSatisfy(m -> {
            String hay = (m.name() + " " + m.strength() + " " + m.form()).toLowerCase(Locale.ROOT);
            assertThat(hay).contains("ramipril").contains("capsules");
        });
        assertThat(hits).noneMatch(m -> m.form().equals("tablet"));
        assertThat(catalogue.search("omeprazole 40").stream().map(Medicine::name))
                .doesNotContain("Omeprazole 20 mg gastro-resistant capsules");
        assertThat(catalogue.search("omeprazole xyzzy")).isEmpty();
    }

    @Test
    void searchOrdersByNameThenCodeWithinATier() {
        List<Medicine> hits = catalogue.search("atorvastatin");
        assertThat(hits).extracting(Medicine::name).isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER);
    }

    @Test
    void blankSearchReturnsEverything() {
        assertThat(catalogue.search("")).hasSize(catalogue.size());
        assertThat(catalogue.search("   ")).hasSize(catalogue.size());
        assertThat(catalogue.search(null)).hasSize(catalogue.size());
    }

    @Test
    void byDrugClassKeepsFileOrderAndToleratesNull() {
        List<Medicine> ppis = catalogue.byDrugClass("ppi");
        assertThat(ppis).isNotEmpty();
        List<Medicine> inFileOrder = catalogue.all().stream().filter(m -> m.drugClass().equals("PPI")).toList();
        assertThat(ppis).isEqualTo(inFileOrder);
        assertThat(catalogue.byDrugClass(null)).isEmpty();
        assertThat(catalogue.byDrugClass("NO_SUCH_CLASS")).isEmpty();
    }

    @Test
    void collectionsAreImmutable() {
        assertThatThrownBy(() -> catalogue.all().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> catalogue.drugClasses().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> catalogue.search("omeprazole").clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    // ------------------------------------------------------------------ parse()

    @Test
    void parseHandlesQuotedFieldsEscapedQuotesCrLfAndBlankLines() {
        String csv = HEADER + "\r\n"
                + "0103050P0AAAAAA,\"Omeprazole 20 mg capsules, \"\"gastro-resistant\"\"\",20 mg,20,"
                + "gastro-resistant capsule,capsule,0103050P0,PPI,0,3.07,\r\n"
                + "\r\n"
                + ESOMEPRAZOLE_20 + "\n";
        Catalogue parsed = Catalogue.parse(new StringReader(csv));
        assertThat(parsed.size()).isEqualTo(2);
        assertThat(parsed.find("0103050P0AAAAAA")).get().extracting(Medicine::name)
                .isEqualTo("Omeprazole 20 mg capsules, \"gastro-resistant\"");
        Medicine eso = parsed.find("0103050E0AAAAAA").orElseThrow();
        assertThat(eso.strengthMg()).isEqualTo(20.0);
        assertThat(eso.formularyAlternativeCode()).isEqualTo("0103050P0AAAAAA");
    }

    @Test
    void parseSkipsThePriceCheckWhenStrengthsDiffer() {
        String csv = HEADER + "\n"
                + "0212000B0AAABAB,Atorvastatin 20 mg tablets,20 mg,20,tablet,tablet,0212000B0,STATIN,0,9.0,\n"
                + "0212000AAAAAAAA,Rosuvastatin 10 mg tablets,10 mg,10,tablet,tablet,0212000AA,STATIN,0,4.3,"
                + "0212000B0AAABAB\n";
        assertThat(Catalogue.parse(new StringReader(csv)).size()).isEqualTo(2);
    }

    @Test
    void parseAcceptsEmptyStrengthMg() {
        String csv = HEADER + "\n"
                + "0407010F0AAAHAH,Co-codamol 30 mg/500 mg tablets,30 mg/500 mg,,tablet,tablet,0407010F0,OPIOID,1,3.0,\n";
        assertThat(Catalogue.parse(new StringReader(csv)).find("0407010F0AAAHAH"))
                .get().extracting(Medicine::strengthMg).isNull();
    }

    static Stream<Arguments> malformedFiles() {
        return Stream.of(
                Arguments.of("wrong header",
                        "code,name,strength\n" + OMEPRAZOLE_20 + "\n",
                        1, "header"),
                Arguments.of("empty file", "", 1, "header"),
                Arguments.of("too few columns",
                        HEADER + "\n" + OMEPRAZOLE_20 + "\n0103050P0AAAEAE,Omeprazole 40 mg,40 mg\n",
                        3, "columns"),
                Arguments.of("too many columns",
                        HEADER + "\n" + OMEPRAZOLE_20 + ",extra\n",
                        2, "columns"),
                Arguments.of("duplicate code",
                        HEADER + "\n" + OMEPRAZOLE_20 + "\n" + OMEPRAZOLE_20 + "\n",
                        3, "duplicate code"),
                Arguments.of("chemical code not the prefix of code",
                        HEADER + "\n" + OMEPRAZOLE_20.replace(",0103050P0,", ",0103050L0,") + "\n",
                        2, "bnf_chemical_code"),
                Arguments.of("acb score too high",
                        HEADER + "\n" + OMEPRAZOLE_20.replace(",PPI,0,", ",PPI,4,") + "\n",
                        2, "acb_score"),
                Arguments.of("acb score negative",
                        HEADER + "\n" + OMEPRAZOLE_20.replace(",PPI,0,", ",PPI,-1,") + "\n",
                        2, "acb_score"),
                Arguments.of("acb score not an integer",
                        HEADER + "\n" + OMEPRAZOLE_20.replace(",PPI,0,", ",PPI,high,") + "\n",
                        2, "acb_score"),
                Arguments.of("negative price",
                        HEADER + "\n" + OMEPRAZOLE_20.replace(",3.07,", ",-3.07,") + "\n",
                        2, "negative price"),
                Arguments.of("alternative not in the file",
                        HEADER + "\n" + ESOMEPRAZOLE_20 + "\n",
                        2, "not a code in the file"),
                Arguments.of("alternative that itself has an alternative",
                        HEADER + "\n"
                                + ESOMEPRAZOLE_20 + "\n"
                                + OMEPRAZOLE_20 + "0103050R0AAABAB\n"
                                + "0103050R0AAABAB,Pantoprazole 20 mg gastro-resistant tablets,20 mg,20,"
                                + "gastro-resistant tablet,tablet,0103050R0,PPI,0,2.0,\n",
                        2, "chains"),
                Arguments.of("alternative not cheaper at the same strength",
                        HEADER + "\n" + OMEPRAZOLE_20.replace(",3.07,", ",6.0,") + "\n" + ESOMEPRAZOLE_20 + "\n",
                        3, "not cheaper"),
                Arguments.of("unterminated quote",
                        HEADER + "\n" + OMEPRAZOLE_20 + "\n0103050E0AAAAAA,\"Esomeprazole 20 mg\n",
                        3, "unterminated"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFiles")
    void parseRejectsMalformedFilesNamingTheLine(String description, String csv, int line, String fragment) {
        assertThatThrownBy(() -> Catalogue.parse(new StringReader(csv)))
                .as(description)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("line " + line + ":")
                .hasMessageContaining(fragment);
    }
}
