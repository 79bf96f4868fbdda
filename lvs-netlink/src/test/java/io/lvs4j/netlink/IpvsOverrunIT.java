package io.lvs4j.netlink;

import io.lvs4j.table.IpvsBatchException;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.Protocol;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.nio.file.Paths;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * ENOBUFS on the IPVS socket, provoked in the lab: with the smallest receive buffer, a batch of 600
 * deletions of services that do not exist makes the kernel answer the first window's 512 requests
 * with errors faster than they are read, so it drops replies. The batch fails naming ENOBUFS, the
 * window in doubt and the requests never sent; the handle then still works (its next replies are
 * not lost behind the kernel's congestion flag). A dump of 1,500 services through the same tiny
 * buffer is complete (dumps are paced by the reader), and ipvsadm agrees on the count afterwards.
 */
@RequiresUmlLab
@Tag("parallel-lab") // its own guest, nothing fixed on the host: runs beside another (pom.xml)
class IpvsOverrunIT {
    /** Runs inside the guest. */
    public static void main(String[] args) throws Exception {
        try (Ipvs ipvs = Ipvs.open()) {
            ipvs.client().socket().receiveBuffer(1);
            IpvsBatch add = ipvs.batch();
            for (int i = 0; i < 1500; i++) {
                add.addService(VirtualService.tcp("192.0.2.10", 1000 + i).scheduler("rr").build());
            }
            add.apply();
            System.out.println("DUMP " + ipvs.services().size());
            IpvsBatch bad = ipvs.batch();
            for (int i = 0; i < 600; i++) {
                bad.removeService(ServiceKey.of(Protocol.TCP, "198.51.100.1", 1000 + i));
            }
            try {
                bad.apply();
                System.out.println("NO OVERRUN");
            } catch (IpvsBatchException e) {
                System.out.println("OVERRUN errno " + e.errno() + " inDoubt " + e.inDoubt() + " notSent " + e.notSent()
                        + " applied " + e.applied().size() + " at " + e.failures().get(0).index());
                System.out.println("MESSAGE " + e.getMessage());
            }
            System.out.println("AFTER " + ipvs.services().size());
            ipvs.addService(VirtualService.tcp("192.0.2.11", 80).scheduler("wlc").build());
            System.out.println("ADDED " + ipvs.services().size() + " " + ipvs.client().socket().discarded());
        }
    }

    @Test
    void batch_repliesOverflowTinyBuffer_enobufsReportedThenHandleStillWorks(UmlLab lab) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = java + " " + String.join(" ", UmlLab.DEFAULT_JVM_OPTIONS) + " -cp '"
                + System.getProperty("java.class.path") + "' " + IpvsOverrunIT.class.getName();
        LabResult r = lab.run(Duration.ofMinutes(3), cmd + "\necho IPVSADM $(ipvsadm -Ln | grep -c '^TCP')\n").requireSuccess();
        var lines = r.stdout().lines().toList();
        assertThat(lines).as(r.stdout() + r.stderr()).hasSize(6);
        assertThat(lines.get(0)).isEqualTo("DUMP 1500");
        assertThat(lines.get(1)).as(r.stdout()).isEqualTo("OVERRUN errno 105 inDoubt 512 notSent 88 applied 0 at 0");
        assertThat(lines.get(2)).isEqualTo("MESSAGE batch of 600 stopped at request 0: 512 sent, outcome unknown; "
                + "0 applied before; 88 not sent: IPVS_CMD_DEL_SERVICE TCP 198.51.100.1:1000 failed: No buffer space "
                + "available (errno 105) (ENOBUFS: the kernel dropped replies to this socket because its receive "
                + "buffer overflowed, so what was applied is unknown; re-read the state)");
        assertThat(lines.get(3)).isEqualTo("AFTER 1500");
        assertThat(lines.get(4)).startsWith("ADDED 1501 ");
        assertThat(Long.parseLong(lines.get(4).substring("ADDED 1501 ".length()))).as("datagrams discarded").isPositive();
        assertThat(lines.get(5)).isEqualTo("IPVSADM 1501");
    }
}
