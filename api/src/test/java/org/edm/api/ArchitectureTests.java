package org.edm.api;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.RestController;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The api's dependency rules, stated so they stay true (STYLE.md, DESIGN.md §2). */
class ArchitectureTests {

    private static final JavaClasses API = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.edm.api");

    @Test
    void theApiNeverTalksToProvidersOrRunsActivities() {
        // the one outbound call: verifying an Aliyun MNS push needs its signing certificate (allow-listed hosts only)
        noClasses().that().haveNameNotMatching("org\\.edm\\.api\\.webhook\\.HttpMnsCertificateSource(\\$.*)?")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.edm.activities..", "jakarta.mail..", "javax.mail..", "com.aliyun..", "java.net.http..",
                        "javax.naming.directory..", "org.xbill.DNS..", "io.temporal.worker..", "io.temporal.activity..")
                .because("the api validates, writes intent and starts or signals workflows; activities do the I/O")
                .check(API);
    }

    @Test
    void controllersArePackagePrivate() {
        classes().that().areAnnotatedWith(RestController.class)
                .should().notHaveModifier(JavaModifier.PUBLIC)
                .check(API);
    }

    @Test
    void onlyTheSecurityPackageKnowsWhoTheUserIs() {
        noClasses().that().resideOutsideOfPackage("org.edm.api.security..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.security..")
                .because("the acting user comes from CurrentUser alone")
                .check(API);
    }
}
