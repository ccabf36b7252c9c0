package io.oprelay;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaAccess.Predicates.targetOwner;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of the production code, checked on the compiled classes: the top-level packages form no cycle,
 * the exactly-once cursor knows neither Kafka nor HTTP, and Kafka clients are built in {@code io.oprelay.kafka} only
 * (so every client gets the same security settings, timeouts and filtering of the {@code kafka.*} map).
 */
class ArchitectureTest {

    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.oprelay");
    }

    /** Each top-level package of io.oprelay may depend on others only one way round. */
    static final ArchRule TOP_LEVEL_PACKAGES_FORM_NO_CYCLE = slices().matching("io.oprelay.(*)..")
            .namingSlices("$1")
            .should().beFreeOfCycles();

    /** The exactly-once decision is pure: no Kafka client, no HTTP server or client type. */
    static final ArchRule CURSOR_KNOWS_NEITHER_KAFKA_NOR_HTTP = noClasses()
            .that().resideInAPackage("io.oprelay.cursor..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.apache.kafka..", "jakarta.ws.rs..", "io.vertx..", "io.quarkus.vertx..",
                    "io.quarkus.rest..", "io.quarkus.resteasy..", "org.jboss.resteasy..", "java.net.http..");

    /** Kafka consumers, producers and admin clients are built by {@code io.oprelay.kafka} only. */
    static final ArchRule ONLY_THE_KAFKA_PACKAGE_BUILDS_KAFKA_CLIENTS = noClasses()
            .that().resideOutsideOfPackage("io.oprelay.kafka..")
            .should().callConstructorWhere(targetOwner(assignableTo(KafkaConsumer.class)))
            .orShould().callConstructorWhere(targetOwner(assignableTo(KafkaProducer.class)))
            .orShould().callMethodWhere(target(name("create")).and(targetOwner(assignableTo(Admin.class))))
            .because("every client must get the shared security settings, timeouts and config filtering");

    @Test
    void topLevelPackagesFormNoCycle() {
        TOP_LEVEL_PACKAGES_FORM_NO_CYCLE.check(production);
    }

    @Test
    void cursorDependsOnNoKafkaOrHttpType() {
        CURSOR_KNOWS_NEITHER_KAFKA_NOR_HTTP.check(production);
    }

    @Test
    void onlyTheKafkaPackageBuildsKafkaClients() {
        ONLY_THE_KAFKA_PACKAGE_BUILDS_KAFKA_CLIENTS.check(production);
    }
}
