package io.lvs4j.director.backend;

import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import io.lvs4j.health.DirectorBackend;
import io.lvs4j.health.InMemoryDirectorBackend;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** {@link DirectorBackendContract} against the in-memory backend. */
class InMemoryBackendContractTest {
    static final class InMemoryFixture implements DirectorBackendContract.Fixture {
        final InMemoryDirectorBackend backend = new InMemoryDirectorBackend();

        @Override
        public DirectorBackend backend() {
            return backend;
        }

        @Override
        public void addService(VirtualService service) {
            backend.addService(service.key());
        }

        @Override
        public List<String> realServers(ServiceKey service) {
            return backend.realServers(service).stream().map(DirectorBackendContract::describe).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> contract() {
        List<DirectorBackendContract.Scenario> all = DirectorBackendContract.scenarios();
        return IntStream.range(0, all.size()).mapToObj(i -> DynamicTest.dynamicTest(all.get(i).name(),
                () -> all.get(i).check().run(new InMemoryFixture(), DirectorBackendContract.service(i))));
    }
}
