package io.lvs4j.netlink;

import io.lvs4j.table.InMemoryIpvs;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** {@link ReconcileContract} against the in-memory table; {@link ReconcileIT} runs it against the kernel. */
class ReconcileContractTest {
    @TestFactory
    Stream<DynamicTest> contract_inMemoryTable() {
        return ReconcileContract.scenarios().stream()
                .map(s -> DynamicTest.dynamicTest(s.name(), () -> s.check().run(new InMemoryIpvs())));
    }
}
