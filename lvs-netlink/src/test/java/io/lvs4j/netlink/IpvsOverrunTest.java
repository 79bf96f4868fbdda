package io.lvs4j.netlink;

import io.lvs4j.table.IpvsBatchException;
import io.lvs4j.table.IpvsException;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.netlink.internal.NetlinkIoException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How an overrun (ENOBUFS on the netlink socket) reaches the caller, without a kernel: the
 * exception names ENOBUFS and says the outcome is unknown; a batch reports the window in doubt,
 * what was applied before it and what was never sent. {@link IpvsOverrunIT} provokes the real one.
 */
class IpvsOverrunTest {
    private static NetlinkIoException enobufs() {
        return new NetlinkIoException("recvfrom", 105, "No buffer space available",
                "(the kernel dropped messages for this socket: its receive buffer overflowed)");
    }

    @Test
    void io_enobufs_namedWithUnknownOutcome() {
        IpvsException e = Ipvs.io("IPVS_CMD_NEW_SERVICE", "TCP 192.0.2.10:80", enobufs());
        assertThat(e.errno()).isEqualTo(105);
        assertThat(e.command()).isEqualTo("IPVS_CMD_NEW_SERVICE");
        assertThat(e.getMessage()).isEqualTo("IPVS_CMD_NEW_SERVICE failed: No buffer space available (errno 105) for "
                + "TCP 192.0.2.10:80 (ENOBUFS: the kernel dropped replies to this socket because its receive buffer "
                + "overflowed, so what was applied is unknown; re-read the state)");
    }

    @Test
    void io_otherErrno_namesTheSyscall() {
        IpvsException e = Ipvs.io("IPVS_CMD_GET_INFO", null, new NetlinkIoException("recvfrom", 9, "Bad file descriptor", null));
        assertThat(e.getMessage()).isEqualTo("IPVS_CMD_GET_INFO failed: Bad file descriptor (errno 9) (recvfrom failed)");
    }

    @Test
    void batchException_overrunInThirdWindow_appliedInDoubtAndNotSentAddUp() {
        IpvsException cause = Ipvs.io("IPVS_CMD_NEW_DEST TCP 192.0.2.10:80 -> 198.51.100.2:80", null, enobufs());
        IpvsBatchException e = new IpvsBatchException(cause, List.of("a", "b", "c", "d"), 4, 3, 10);
        assertThat(e.applied()).containsExactly("a", "b", "c", "d");
        assertThat(e.inDoubt()).isEqualTo(3);
        assertThat(e.notSent()).isEqualTo(3);
        assertThat(e.failures()).hasSize(1);
        assertThat(e.failures().get(0).index()).isEqualTo(4);
        assertThat(e.errno()).isEqualTo(105);
        assertThat(e.getMessage()).startsWith("batch of 10 stopped at request 4: 3 sent, outcome unknown; 4 applied "
                + "before; 3 not sent: IPVS_CMD_NEW_DEST TCP 192.0.2.10:80 -> 198.51.100.2:80 failed: No buffer space "
                + "available (errno 105) (ENOBUFS: ");
    }
}
