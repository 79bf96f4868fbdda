package io.lvs4j.director.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import io.lvs4j.health.BackendException;
import io.lvs4j.health.DirectorBackend;
import java.net.InetAddress;
import java.util.List;

/**
 * What a {@link DirectorBackend} does, checked the same way against
 * {@link io.lvs4j.health.InMemoryDirectorBackend} ({@link InMemoryBackendContractTest}) and
 * {@link KernelDirectorBackend} on the kernel in the lab ({@link HealthLabMain}, started by
 * {@link KernelBackendIT}). Each scenario gets its own fresh service (its own port), with no real
 * servers. Failures carry the kernel's errno: ESRCH (3) without the service, EEXIST (17) for a
 * second add, ENOENT (2) to update or remove an absent real server; and change nothing.
 */
final class DirectorBackendContract {
    private DirectorBackendContract() {}

    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int EEXIST = 17;

    /** A backend and the means to set up and read the table it acts on. */
    interface Fixture {
        DirectorBackend backend();

        void addService(VirtualService service) throws Exception;

        /** The service's real servers as {@code address:port weight N}, sorted. */
        List<String> realServers(ServiceKey service) throws Exception;
    }

    interface Check {
        void run(Fixture f, VirtualService vs) throws Exception;
    }

    record Scenario(String name, Check check) {}

    static List<Scenario> scenarios() {
        return List.of(
                new Scenario("add_newRealServers_presentWithTheirWeights", DirectorBackendContract::add),
                new Scenario("add_presentRealServer_eexistAndUnchanged", DirectorBackendContract::addTwice),
                new Scenario("update_weightToZeroAndBack_inhibitedThenRestored", DirectorBackendContract::inhibit),
                new Scenario("update_absentRealServer_enoentAndNothingAdded", DirectorBackendContract::updateAbsent),
                new Scenario("remove_presentRealServer_goneOthersKept", DirectorBackendContract::remove),
                new Scenario("remove_absentRealServer_enoent", DirectorBackendContract::removeAbsent),
                new Scenario("anyAction_noSuchService_esrch", DirectorBackendContract::noService));
    }

    /** A fresh TCP service for scenario {@code index}, as a virtual service without real servers. */
    static VirtualService service(int index) {
        return VirtualService.tcp("192.0.2.10", 8100 + index).scheduler("wrr").build();
    }

    static final RealServer RS1 = RealServer.of("10.10.10.12", 80).masquerade().weight(2).build();
    static final RealServer RS2 = RealServer.of("10.10.10.13", 80).masquerade().weight(1).build();

    private static void add(Fixture f, VirtualService vs) throws Exception {
        f.addService(vs);
        f.backend().addRealServer(vs.key(), RS1);
        f.backend().addRealServer(vs.key(), RS2);
        assertThat(f.realServers(vs.key())).containsExactly("10.10.10.12:80 weight 2", "10.10.10.13:80 weight 1");
    }

    private static void addTwice(Fixture f, VirtualService vs) throws Exception {
        f.addService(vs);
        f.backend().addRealServer(vs.key(), RS1);
        assertThatThrownBy(() -> f.backend().addRealServer(vs.key(), RS1.withWeight(9)))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.errno()).isEqualTo(EEXIST))
                .hasMessageContaining("(errno 17)");
        assertThat(f.realServers(vs.key())).containsExactly("10.10.10.12:80 weight 2");
    }

    private static void inhibit(Fixture f, VirtualService vs) throws Exception {
        f.addService(vs);
        f.backend().addRealServer(vs.key(), RS1);
        f.backend().addRealServer(vs.key(), RS2);
        f.backend().updateRealServer(vs.key(), RS1.withWeight(0));
        assertThat(f.realServers(vs.key())).containsExactly("10.10.10.12:80 weight 0", "10.10.10.13:80 weight 1");
        f.backend().updateRealServer(vs.key(), RS1);
        assertThat(f.realServers(vs.key())).containsExactly("10.10.10.12:80 weight 2", "10.10.10.13:80 weight 1");
    }

    private static void updateAbsent(Fixture f, VirtualService vs) throws Exception {
        f.addService(vs);
        f.backend().addRealServer(vs.key(), RS1);
        assertThatThrownBy(() -> f.backend().updateRealServer(vs.key(), RS2.withWeight(0)))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.errno()).isEqualTo(ENOENT))
                .hasMessageContaining("(errno 2)");
        assertThat(f.realServers(vs.key())).containsExactly("10.10.10.12:80 weight 2");
    }

    private static void remove(Fixture f, VirtualService vs) throws Exception {
        f.addService(vs);
        f.backend().addRealServer(vs.key(), RS1);
        f.backend().addRealServer(vs.key(), RS2);
        f.backend().removeRealServer(vs.key(), RS1.address(), 80);
        assertThat(f.realServers(vs.key())).containsExactly("10.10.10.13:80 weight 1");
        f.backend().addRealServer(vs.key(), RS1);
        assertThat(f.realServers(vs.key())).containsExactly("10.10.10.12:80 weight 2", "10.10.10.13:80 weight 1");
    }

    private static void removeAbsent(Fixture f, VirtualService vs) throws Exception {
        f.addService(vs);
        f.backend().addRealServer(vs.key(), RS2);
        assertThatThrownBy(() -> f.backend().removeRealServer(vs.key(), RS1.address(), 80))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.errno()).isEqualTo(ENOENT));
        assertThatThrownBy(() -> f.backend().removeRealServer(vs.key(), RS2.address(), 81))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.errno()).isEqualTo(ENOENT));
        assertThat(f.realServers(vs.key())).containsExactly("10.10.10.13:80 weight 1");
    }

    private static void noService(Fixture f, VirtualService vs) throws Exception {
        ServiceKey absent = vs.key();
        InetAddress a = RS1.address();
        assertThatThrownBy(() -> f.backend().addRealServer(absent, RS1))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.errno()).isEqualTo(ESRCH));
        assertThatThrownBy(() -> f.backend().updateRealServer(absent, RS1))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.errno()).isEqualTo(ESRCH));
        assertThatThrownBy(() -> f.backend().removeRealServer(absent, a, 80))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.errno()).isEqualTo(ESRCH));
    }

    static String describe(RealServer rs) {
        return rs.endpoint() + " weight " + rs.weight();
    }
}
