package io.oprelay.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every resource class under {@code /api} or {@code /simulator/admin}, today's and any added later, carries
 * {@code @RolesAllowed(admin)}: access is decided for the resource that was matched, whatever the request's spelling.
 */
class AdminResourcesAreGuardedTest {

    @Test
    void everyAdminResourceClassRequiresTheAdminRole() throws IOException, URISyntaxException {
        java.nio.file.Path classes = Paths.get(ApiKeys.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        List<Class<?>> resources;
        try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
            resources = files.filter(f -> f.toString().endsWith(".class") && !f.toString().contains("$"))
                    .map(f -> classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .map(AdminResourcesAreGuardedTest::load)
                    .filter(type -> type.isAnnotationPresent(Path.class))
                    .filter(type -> {
                        String path = type.getAnnotation(Path.class).value();
                        return path.startsWith("/api") || path.startsWith("/simulator/admin");
                    })
                    .toList();
        }
        assertThat(resources).extracting(Class::getSimpleName).contains("FeedsResource", "OperatorResultsResource",
                "RoutingResource", "AgentAssistTokensResource", "SimulatorAdminResource");
        for (Class<?> resource : resources) {
            assertThat(resource.getAnnotation(RolesAllowed.class)).as(resource.getName()).isNotNull();
            assertThat(resource.getAnnotation(RolesAllowed.class).value()).as(resource.getName())
                    .containsExactly(Roles.ADMIN);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, AdminResourcesAreGuardedTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
