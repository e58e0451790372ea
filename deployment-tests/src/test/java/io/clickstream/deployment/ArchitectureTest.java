package io.clickstream.deployment;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The layering the build enforces (docs/architecture.md): common-model depends on nothing of
 * ours; service-common only on the model; the services never on each other; test-support only
 * from tests, run scripts and the benchmark. Checked on the production classes of every module
 * (test classes are not imported).
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.clickstream");

    @Test
    void theModelDependsOnNothingOfOurs() {
        noClasses()
                .that()
                .resideInAPackage("io.clickstream.model..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.clickstream.service..",
                        "io.clickstream.producer..",
                        "io.clickstream.consumer..",
                        "io.clickstream.collector..",
                        "io.clickstream.testsupport..",
                        "io.clickstream.bench..")
                .check(CLASSES);
    }

    @Test
    void serviceCommonDependsOnlyOnTheModel() {
        noClasses()
                .that()
                .resideInAPackage("io.clickstream.service..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.clickstream.producer..",
                        "io.clickstream.consumer..",
                        "io.clickstream.collector..",
                        "io.clickstream.testsupport..",
                        "io.clickstream.bench..")
                .check(CLASSES);
    }

    @Test
    void theServicesNeverDependOnEachOther() {
        String[] services = {"io.clickstream.producer..", "io.clickstream.consumer..", "io.clickstream.collector.."};
        for (String service : services) {
            for (String other : services) {
                if (!other.equals(service)) {
                    noClasses()
                            .that()
                            .resideInAPackage(service)
                            .should()
                            .dependOnClassesThat()
                            .resideInAPackage(other)
                            .check(CLASSES);
                }
            }
        }
    }

    @Test
    void productionCodeNeverUsesTestSupport() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.clickstream.model..",
                        "io.clickstream.service..",
                        "io.clickstream.producer..",
                        "io.clickstream.consumer..",
                        "io.clickstream.collector..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.clickstream.testsupport..")
                .check(CLASSES);
    }

    @Test
    void theRulesSeeTheCodeTheyGuard() {
        // A rule over an empty import passes vacuously: make sure every module was imported.
        for (String pkg : new String[] {
            "io.clickstream.model",
            "io.clickstream.service",
            "io.clickstream.producer",
            "io.clickstream.consumer",
            "io.clickstream.collector",
            "io.clickstream.testsupport"
        }) {
            org.junit.jupiter.api.Assertions.assertTrue(CLASSES.containPackage(pkg), pkg + " imported");
        }
    }
}
