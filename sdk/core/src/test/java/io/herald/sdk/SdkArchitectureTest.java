package io.herald.sdk;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SDK's public surface, as ARCHITECTURE.md describes it, checked on every build (a unit test, so
 * {@code mvn verify} fails on a break): the public packages ({@code io.herald.sdk}, {@code .spi},
 * {@code .wire}, {@code .koper}) never reach into {@code .internal}, except {@link Herald}, the one
 * class that builds the client from its internal parts; and no public signature shows an internal type.
 */
class SdkArchitectureTest {

    private static final String INTERNAL = "io.herald.sdk.internal..";

    private static final JavaClasses SDK = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.herald.sdk");

    /** Classes of the public packages, nested ones included. */
    private static final DescribedPredicate<JavaClass> PUBLIC_PACKAGES = DescribedPredicate.describe(
            "are in the SDK's public packages", c -> c.getPackageName().startsWith("io.herald.sdk")
                                                    && !c.getPackageName().startsWith("io.herald.sdk.internal"));

    /** Herald builds the client from its internal parts (the composition root). */
    private static final DescribedPredicate<JavaClass> COMPOSITION_ROOT = DescribedPredicate.describe(
            "are Herald or nested in it", c -> outermost(c).isEquivalentTo(Herald.class));

    @Test
    void publicPackagesNeverUseInternals() {
        noClasses().that(PUBLIC_PACKAGES).and(DescribedPredicate.not(COMPOSITION_ROOT))
                .should().dependOnClassesThat().resideInAPackage(INTERNAL)
                .because("internal types may change in any release; only Herald wires them together")
                .check(SDK);
    }

    @Test
    void publicSignaturesShowNoInternalType() {
        classes().that(PUBLIC_PACKAGES).and().arePublic()
                .should(new ArchCondition<JavaClass>("show no internal type in a public or protected signature") {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        if (c.getRawSuperclass().isPresent() && internal(c.getRawSuperclass().get())) {
                            events.add(SimpleConditionEvent.violated(c, c.getName() + " extends an internal class"));
                        }
                        for (JavaClass i : c.getRawInterfaces()) {
                            if (internal(i)) {
                                events.add(SimpleConditionEvent.violated(c, c.getName() + " implements internal " + i.getName()));
                            }
                        }
                        for (JavaMember m : c.getMembers()) {
                            if (!m.getModifiers().contains(JavaModifier.PUBLIC) && !m.getModifiers().contains(JavaModifier.PROTECTED)) {
                                continue;
                            }
                            for (JavaClass t : signatureTypes(m)) {
                                if (internal(t)) {
                                    events.add(SimpleConditionEvent.violated(m, m.getFullName() + " shows internal " + t.getName()));
                                }
                            }
                        }
                    }
                })
                .check(SDK);
    }

    /** The wire contract (CloudEvents and Herald headers, snapshots, timepoints, schemas) stands alone, ready for its own jar. */
    @Test
    void wireDependsOnNoOtherSdkPackage() {
        noClasses().that().resideInAPackage("io.herald.sdk.wire..")
                .should().dependOnClassesThat(DescribedPredicate.describe("are in another SDK package",
                        c -> c.getPackageName().startsWith("io.herald.sdk") && !c.getPackageName().startsWith("io.herald.sdk.wire")))
                .check(SDK);
    }

    /** The transport SPI is implemented without the client: it needs nothing of Herald's API or internals. */
    @Test
    void spiDependsOnlyOnWire() {
        noClasses().that().resideInAPackage("io.herald.sdk.spi..")
                .should().dependOnClassesThat(DescribedPredicate.describe("are in an SDK package other than spi and wire",
                        c -> c.getPackageName().startsWith("io.herald.sdk") && !c.getPackageName().startsWith("io.herald.sdk.spi")
                             && !c.getPackageName().startsWith("io.herald.sdk.wire")))
                .check(SDK);
    }

    @Test
    void sdkPackagesHaveNoCycles() {
        slices().matching("io.herald.sdk.(**)").should().beFreeOfCycles().check(SDK);
    }

    private static List<JavaClass> signatureTypes(JavaMember m) {
        List<JavaClass> types = new ArrayList<>();
        if (m instanceof JavaField f) {
            types.addAll(f.getType().getAllInvolvedRawTypes());
        } else if (m instanceof JavaCodeUnit u) {
            types.addAll(u.getReturnType().getAllInvolvedRawTypes());
            u.getParameterTypes().forEach(p -> types.addAll(p.getAllInvolvedRawTypes()));
            types.addAll(u.getThrowsClause().getTypes());
        }
        return types;
    }

    private static boolean internal(JavaClass c) {
        return c.getPackageName().startsWith("io.herald.sdk.internal");
    }

    private static JavaClass outermost(JavaClass c) {
        JavaClass o = c;
        while (o.getEnclosingClass().isPresent()) {
            o = o.getEnclosingClass().get();
        }
        return o;
    }
}
