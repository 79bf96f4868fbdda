/**
 * Test support for lvs4j's integration tests: runs shell scripts and JVM entry points inside a
 * User-Mode Linux kernel with IPVS, through the repository's {@code lab/uml-run}.
 */
module io.lvs4j.lab {
    requires transitive org.junit.jupiter.api; // UmlLabExtension is a JUnit extension

    exports io.lvs4j.lab;
}
