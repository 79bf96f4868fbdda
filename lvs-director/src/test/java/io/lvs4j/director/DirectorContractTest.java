package io.lvs4j.director;

import io.lvs4j.table.InMemoryIpvs;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** {@link DirectorContract} against the in-memory table; {@link DirectorContractIT} runs it against the kernel. */
class DirectorContractTest {
    @TestFactory
    Stream<DynamicTest> contract_inMemoryTable() {
        return DirectorContract.scenarios().stream()
                .map(s -> DynamicTest.dynamicTest(s.name(), () -> s.check().run(new InMemoryIpvs())));
    }
}
