package io.herald.server;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import io.herald.server.console.ConsoleFrame;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The server's layering, as ARCHITECTURE.md draws it, checked on every build: a break fails
 * {@code mvn verify} (this is a unit test) naming the class and the dependency at fault.
 *
 * <pre>
 * common ← infrastructure ← security ← audit ← catalog ← features ← console ← application
 * </pre>
 *
 * A feature's console pages may live beside it (marked {@link ConsoleFrame}); they belong to the
 * console layer, wherever their package is.
 */
class ServerArchitectureTest {

    private static final String ROOT = "io.herald.server";

    /** Adapters that know nothing of Herald's callers or catalog: the database, Kafka admin, outbound connections, metrics settings. */
    private static final Set<String> INFRASTRUCTURE = Set.of("database", "provisioning", "egress", "metrics");

    /** The features built on the catalog. */
    private static final Set<String> FEATURES = Set.of("ingest", "push", "trace", "replay", "tx", "schedule", "dispatch",
            "grpc", "contract", "demo", "cluster", "search");

    private static final JavaClasses SERVER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void layersDependOneWay() {
        ArchRule rule = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Common").definedBy(inFeature("common"))
                .layer("Infrastructure").definedBy(in(INFRASTRUCTURE))
                .layer("Security").definedBy(inFeature("security"))
                .layer("Audit").definedBy(inFeature("audit"))
                .layer("Catalog").definedBy(inFeature("catalog"))
                .layer("Features").definedBy(in(FEATURES).and(DescribedPredicate.not(CONSOLE_PAGE)))
                .layer("Console").definedBy(inFeature("console").or(CONSOLE_PAGE))
                .layer("Application").definedBy(JavaClass.Predicates.resideInAPackage(ROOT))

                .whereLayer("Common").mayNotAccessAnyLayer()
                .whereLayer("Infrastructure").mayOnlyAccessLayers("Common")
                .whereLayer("Security").mayOnlyAccessLayers("Common", "Infrastructure")
                .whereLayer("Audit").mayOnlyAccessLayers("Common", "Infrastructure", "Security")
                .whereLayer("Catalog").mayOnlyAccessLayers("Common", "Infrastructure", "Security", "Audit")
                .whereLayer("Features").mayOnlyAccessLayers("Common", "Infrastructure", "Security", "Audit", "Catalog",
                        "Features")
                .whereLayer("Console").mayOnlyAccessLayers("Common", "Infrastructure", "Security", "Audit", "Catalog",
                        "Features", "Console")
                .whereLayer("Application").mayNotBeAccessedByAnyLayer();
        rule.check(SERVER);
    }

    /** A new package must be given its place in {@link #layersDependOneWay} (and in ARCHITECTURE.md). */
    @Test
    void everyPackageHasALayer() {
        ArchRuleDefinition.classes().should(new ArchCondition<JavaClass>("reside in a package with a layer") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                String f = feature(c);
                if (f != null && !f.equals("common") && !f.equals("security") && !f.equals("audit") && !f.equals("catalog")
                    && !f.equals("console") && !INFRASTRUCTURE.contains(f) && !FEATURES.contains(f)) {
                    events.add(SimpleConditionEvent.violated(c, c.getName() + " is in package " + ROOT + "." + f
                            + ", which has no layer in ServerArchitectureTest"));
                }
            }
        }).check(SERVER);
    }

    @Test
    void packagesHaveNoCycles() {
        // a console page beside its feature counts as console: the console kit it uses is not the feature's
        SliceAssignment byPackage = new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                if (CONSOLE_PAGE.test(c)) {
                    return SliceIdentifier.of("console");
                }
                String feature = feature(c);
                return feature == null ? SliceIdentifier.ignore() : SliceIdentifier.of(feature);
            }

            @Override
            public String getDescription() {
                return "packages of " + ROOT + " (a feature's console pages count as console)";
            }
        };
        slices().assignedFrom(byPackage).should().beFreeOfCycles().check(SERVER);
    }

    /**
     * A feature's JPA entities, Spring Data repositories and web controllers are its own: other
     * packages reach it through its services and the records they answer.
     */
    @Test
    void noPackageUsesAnotherFeaturesInternals() {
        ArchRule rule = ArchRuleDefinition.classes().that(FEATURE_INTERNAL)
                .should(new ArchCondition<JavaClass>("be used only inside their own package") {
                    @Override
                    public void check(JavaClass internal, ConditionEvents events) {
                        for (Dependency d : internal.getDirectDependenciesToSelf()) {
                            JavaClass user = d.getOriginClass();
                            if (!user.getPackageName().equals(internal.getPackageName())) {
                                events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                            }
                        }
                    }
                });
        rule.check(SERVER);
    }

    /** Internals: JPA entities, Spring Data repositories, REST and page controllers. */
    private static final DescribedPredicate<JavaClass> FEATURE_INTERNAL = DescribedPredicate.describe(
            "are JPA entities, Spring Data repositories or web controllers",
            c -> c.isAnnotatedWith("jakarta.persistence.Entity")
                 || c.isAssignableTo("org.springframework.data.repository.Repository")
                 || c.isMetaAnnotatedWith("org.springframework.stereotype.Controller")
                 || c.isAnnotatedWith("org.springframework.stereotype.Controller"));

    /** A console page controller (or a class nested in one) outside the console package. */
    private static final DescribedPredicate<JavaClass> CONSOLE_PAGE = DescribedPredicate.describe(
            "console pages beside their feature (@ConsoleFrame)",
            c -> outermost(c).isAnnotatedWith(ConsoleFrame.class));

    private static JavaClass outermost(JavaClass c) {
        JavaClass o = c;
        while (o.getEnclosingClass().isPresent()) {
            o = o.getEnclosingClass().get();
        }
        return o;
    }

    /** The first package segment below {@code io.herald.server}, or null for the root package. */
    private static String feature(JavaClass c) {
        String p = c.getPackageName();
        if (!p.startsWith(ROOT + ".")) {
            return null;
        }
        String rest = p.substring(ROOT.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    private static DescribedPredicate<JavaClass> inFeature(String name) {
        return JavaClass.Predicates.resideInAPackage(ROOT + "." + name + "..");
    }

    private static DescribedPredicate<JavaClass> in(Set<String> names) {
        return DescribedPredicate.describe("reside in one of " + names, c -> feature(c) != null && names.contains(feature(c)));
    }
}
