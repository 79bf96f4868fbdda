package org.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lvs4j.table.InMemoryIpvs;
import io.lvs4j.table.ServiceState;
import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Runs on the consumer's test class path: lvs-director's runtime dependencies plus JUnit. Looks
 * into the jars themselves, so a leak under another artifact name is found too.
 */
class ConsumerTest {
    private static final String SLF4J_PROVIDER = "org.slf4j.spi.SLF4JServiceProvider";

    @Test
    void reconcile_oneServiceTwoRealServers_inMemoryTableHoldsThem() throws Exception {
        InMemoryIpvs table = new InMemoryIpvs();

        Consumer.reconcile(table);

        List<ServiceState> services = table.serviceStates();
        assertEquals(1, services.size(), services::toString);
        assertEquals(2, services.get(0).realServers().size(), services::toString);
    }

    @Test
    void classPath_everyJar_noCommandLineFrameworkNoJsonNoSlf4jBinding() throws IOException {
        List<String> leaks = new ArrayList<>();
        for (Path jar : jars()) {
            try (JarFile file = new JarFile(jar.toFile())) {
                for (JarEntry e : (Iterable<JarEntry>) file.stream()::iterator) {
                    String n = e.getName();
                    if (n.startsWith("picocli/")) {
                        leaks.add(jar.getFileName() + ": picocli (" + n + ")");
                    } else if (n.startsWith("com/fasterxml/jackson/")) {
                        leaks.add(jar.getFileName() + ": Jackson (" + n + ")");
                    } else if (n.equals("META-INF/services/" + SLF4J_PROVIDER)
                            || n.equals("org/slf4j/impl/StaticLoggerBinder.class")) {
                        leaks.add(jar.getFileName() + ": an slf4j binding (" + n + ")");
                    } else if (n.equals("module-info.class")) {
                        ModuleDescriptor d = ModuleDescriptor.read(file.getInputStream(e));
                        if (d.provides().stream().anyMatch(p -> p.service().equals(SLF4J_PROVIDER))) {
                            leaks.add(jar.getFileName() + ": an slf4j binding (module " + d.name() + ")");
                        }
                    } else {
                        continue;
                    }
                    break; // one line per jar
                }
            }
        }
        assertTrue(leaks.isEmpty(), "lvs-director leaks into its users' class path: " + leaks);
    }

    @Test
    void classPath_lvs4jJars_allAtTheBomsVersion() {
        String version = System.getProperty("lvs4j.version");
        List<String> lvs4j = new ArrayList<>();
        for (Path jar : jars()) {
            // <local repository>/io/lvs4j/<artifact>/<version>/<artifact>-<version>.jar
            Path versionDir = jar.getParent();
            Path groupDir = versionDir.getParent().getParent();
            if (groupDir.endsWith(Path.of("io", "lvs4j"))) {
                lvs4j.add(versionDir.getParent().getFileName() + ":" + versionDir.getFileName());
            }
        }
        assertFalse(lvs4j.isEmpty(), "no lvs4j jar on " + jars());
        assertTrue(lvs4j.stream().allMatch(a -> a.endsWith(":" + version)), lvs4j + " (expected: all " + version + ")");
        assertTrue(lvs4j.contains("lvs-director:" + version) && lvs4j.contains("lvs-api:" + version), lvs4j::toString);
    }

    private static List<Path> jars() {
        List<Path> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                jars.add(Path.of(entry));
            }
        }
        return jars;
    }
}
