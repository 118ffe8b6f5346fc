package uk.rxledger.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Feature boundaries: packages by feature, infrastructure that knows no feature, plain-Java domain logic.
 */
class ArchitectureTest {

    static final String[] FEATURES = {"..regimen..", "..catalogue..", "..decisionsupport..", "..outcomes..",
            "..waste..", "..audit..", "..governance.."};
    static final String[] INFRASTRUCTURE = {"..eventstore..", "..projection..", "..graphql..", "..domain..", "..scheduling.."};

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        // Test classes by their folder name, wherever the build directory is (-Dbuild.dir=...).
        classes = new ClassFileImporter().withImportOption(location -> !location.contains("/test-classes/"))
                                         .importPackages("uk.rxledger");
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("uk.rxledger.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void infrastructureKnowsNoFeature() {
        noClasses().that().resideInAnyPackage(INFRASTRUCTURE)
                   .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
                   .check(classes);
    }

    @Test
    void accessIsControlledInOnePlaceThatNoFeatureCalls() {
        // ADR 0012: the role table is applied by uk.rxledger.access around the features, never from inside them
        noClasses().that().resideInAnyPackage(FEATURES).or().resideInAnyPackage(INFRASTRUCTURE)
                   .should().dependOnClassesThat().resideInAPackage("..access..")
                   .check(classes);
    }

    @Test
    void theCatalogueIsReferenceDataThatDependsOnNoOtherFeature() {
        noClasses().that().resideInAPackage("..catalogue..")
                   .should().dependOnClassesThat().resideInAnyPackage(
                           "..regimen..", "..decisionsupport..", "..outcomes..", "..waste..", "..audit..",
                           "..governance..")
                   .check(classes);
    }

    @Test
    void domainLogicIsPlainJava() {
        classes().that().haveSimpleNameEndingWith("Adherence").or().haveSimpleName("DoseHistory")
                 .or().haveSimpleName("Catalogue").or().haveSimpleName("Medicine")
                 .or().haveSimpleName("EventHashChain").or().resideInAPackage("..domain..")
                 .should().onlyDependOnClassesThat().resideInAnyPackage(
                         "java..", "uk.rxledger.regimen..", "uk.rxledger.catalogue..", "uk.rxledger.domain..",
                         "uk.rxledger.eventstore..", "org.bson..")
                 .check(classes);
    }

    @Test
    void eventsAreRevisionedRecordsWithPastTenseNames() {
        classes().that().resideInAPackage("uk.rxledger.regimen")
                 .and().areRecords().and().haveSimpleNameNotEndingWith("Input")
                 .and().areAnnotatedWith(org.axonframework.serialization.Revision.class)
                 .should().haveSimpleNameEndingWith("ed")
                 .check(classes);
    }
}
