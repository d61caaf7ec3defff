package org.edm.system;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dependency rules of DESIGN.md and STYLE.md, checked on the compiled main classes of every module (the
 * system-tests classpath holds api, worker and, through them, activities, domain and workflows). The modules'
 * test-jars (harnesses and fixtures) are on that classpath too and are left out like any test code.
 */
@AnalyzeClasses(packages = "org.edm",
        importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTests.DoNotIncludeTestJars.class})
class ArchitectureTests {

    @ArchTest
    static final ArchRule workflowsDoNoIo = noClasses().that().resideInAPackage("org.edm.workflows..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "jakarta.mail..", "javax.mail..", "java.sql..", "javax.sql..", "org.springframework..",
                    "jakarta.persistence..", "java.net.http..", "org.xbill.DNS..", "com.aliyuncs..")
            .because("workflows never do I/O: external effects belong in activities (DESIGN §2)");

    @ArchTest
    static final ArchRule workflowsDependOnNoOtherModule = noClasses().that().resideInAPackage("org.edm.workflows..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.edm.activities..", "org.edm.api..", "org.edm.worker..", "org.edm.domain..")
            .because("workflows holds the ports (interfaces, payloads) that the other modules depend on, not the reverse");

    @ArchTest
    static final ArchRule apiNeverUsesActivityImplementations = noClasses().that().resideInAPackage("org.edm.api..")
            .should().dependOnClassesThat().resideInAPackage("org.edm.activities..")
            .because("the api starts and signals workflows through the workflows module's stubs and never performs "
                    + "the external effects itself (DESIGN §2)");

    @ArchTest
    static final ArchRule workflowsUseOnlyWorkflowTimeAndRandomness = noClasses().that().resideInAPackage("org.edm.workflows..")
            .should().callMethodWhere(readsTheClock())
            .orShould().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(System.class, "nanoTime")
            .orShould().callMethod(Thread.class, "sleep", long.class)
            .orShould().callMethod(UUID.class, "randomUUID")
            .orShould().callMethod(Math.class, "random")
            .orShould().callConstructor(Random.class)
            .orShould().callConstructor(Random.class, long.class)
            .orShould().callMethod(org.slf4j.LoggerFactory.class, "getLogger", Class.class)
            .orShould().callMethod(org.slf4j.LoggerFactory.class, "getLogger", String.class)
            .because("workflow code must replay deterministically: use Workflow.currentTimeMillis/sleep/newRandom/"
                    + "randomUUID/getLogger (STYLE, Temporal idioms)");

    /**
     * Inside each module, feature packages depend on each other one way only: a cycle (task needs campaign needs task)
     * means neither can be read, changed or moved on its own, and is where "one concept, one home" was lost. A slice is
     * a module's top-level package ({@code org.edm.api.task}, {@code org.edm.domain.quota}...); classes directly in
     * the module's root package are shared by all and not a slice.
     */
    @ArchTest
    static final ArchRule noPackageCyclesInsideAModule = slices()
            .matching("org.edm.(*).(*)..").namingSlices("$1.$2")
            .should().beFreeOfCycles()
            .because("a module's feature packages form a hierarchy, never a cycle (STYLE, package by feature)");

    /** Test code that reaches this classpath as a module's test-jar ({@code *-tests.jar}). */
    public static final class DoNotIncludeTestJars implements ImportOption {

        @Override
        public boolean includes(Location location) {
            return !location.contains("-tests.jar");
        }
    }

    private static DescribedPredicate<JavaCall<?>> readsTheClock() {
        return target(name("now")).and(target(owner(resideInAPackage("java.time"))))
                .as("read the clock with java.time.*.now()");
    }

    /**
     * The workflows module's own classpath: only the Temporal SDK at compile/runtime scope, and nothing inherited
     * from the parent, so a JDBC, mail or web library cannot reach a workflow even by accident (STYLE, Layout).
     */
    @Test
    void workflowsModuleDependsOnTheTemporalSdkOnly() throws Exception {
        Path root = repositoryRoot();
        assertThat(mainDependencies(root.resolve("workflows/pom.xml")))
                .as("compile/runtime dependencies of workflows/pom.xml")
                .containsExactly("io.temporal:temporal-sdk");
        assertThat(mainDependencies(root.resolve("pom.xml")))
                .as("dependencies the parent pom would give every module, workflows included")
                .isEmpty();
    }

    /** groupId:artifactId of each dependency that is not test-scoped (dependencyManagement is not a dependency). */
    private static List<String> mainDependencies(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document document = factory.newDocumentBuilder().parse(pom.toFile());
        List<String> result = new ArrayList<>();
        for (Element dependencies : children(document.getDocumentElement(), "dependencies")) {
            for (Element dependency : children(dependencies, "dependency")) {
                String scope = text(dependency, "scope");
                if (!Set.of("test").contains(scope)) {
                    result.add(text(dependency, "groupId") + ":" + text(dependency, "artifactId"));
                }
            }
        }
        return result;
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element element && element.getTagName().equals(tag)) {
                found.add(element);
            }
        }
        return found;
    }

    private static String text(Element parent, String tag) {
        List<Element> found = children(parent, tag);
        return found.isEmpty() ? "" : found.get(0).getTextContent().trim();
    }

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isDirectory(dir.resolve("workflows")) && Files.isRegularFile(dir.resolve("pom.xml")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
