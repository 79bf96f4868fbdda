package io.lvs4j.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lvs4j.OsException;
import io.lvs4j.netlink.internal.NetlinkIoException;
import io.lvs4j.netlink.internal.NetlinkSocket;
import io.lvs4j.netlink.internal.RtnlCodec;
import io.lvs4j.table.IpvsException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A kernel that never answers: {@link Rtnetlink} and {@link Ipvs} requests sent to a silent peer
 * socket instead of the kernel ({@link NetlinkSocket#peer}) fail with the checked exception,
 * errno ETIMEDOUT and the request's name, within the receive timeout.
 */
class RequestTimeoutTest {
    private static final Duration GUARD = Duration.ofSeconds(20);

    @BeforeEach
    void needs() {
        assumeTrue(NetlinkSocket.nativeAvailable());
        assumeTrue("root".equals(System.getProperty("user.name")), "sending to another socket needs CAP_NET_ADMIN");
    }

    private static NetlinkSocket towards(NetlinkSocket silent, int protocol) throws NetlinkIoException {
        NetlinkSocket s = NetlinkSocket.open(null, protocol, 0);
        s.peer(silent.pid());
        s.receiveTimeout(200);
        return s;
    }

    @Test
    void rtnetlinkRequest_silentKernel_failsWithEtimedoutNamingTheRequest() throws Exception {
        try (NetlinkSocket silent = NetlinkSocket.open(null, RtnlCodec.NETLINK_ROUTE, 0);
                Rtnetlink rt = Rtnetlink.over(towards(silent, RtnlCodec.NETLINK_ROUTE))) {
            InterfaceException e = assertTimeoutPreemptively(GUARD,
                    () -> thrown(InterfaceException.class, () -> rt.setLinkUp(1, true)));
            assertThat(e.operation()).isEqualTo("RTM_NEWLINK");
            assertThat(e.errno()).isEqualTo(110);
            assertThat(e.getMessage()).isEqualTo("RTM_NEWLINK failed: Connection timed out (errno 110) for ifindex 1 up: "
                    + "recvfrom: no reply from the kernel within the receive timeout");
        }
    }

    @Test
    void rtnetlinkDump_silentKernel_failsWithEtimedoutNamingTheDump() throws Exception {
        try (NetlinkSocket silent = NetlinkSocket.open(null, RtnlCodec.NETLINK_ROUTE, 0);
                Rtnetlink rt = Rtnetlink.over(towards(silent, RtnlCodec.NETLINK_ROUTE))) {
            InterfaceException e = assertTimeoutPreemptively(GUARD, () -> thrown(InterfaceException.class, rt::links));
            assertThat(e.operation()).isEqualTo("RTM_GETLINK");
            assertThat(e.errno()).isEqualTo(110);
        }
    }

    @Test
    void ipvsOpen_silentKernel_failsWithEtimedoutNamingTheCommand() throws Exception {
        try (NetlinkSocket silent = NetlinkSocket.open(null)) {
            NetlinkSocket s = towards(silent, 16);
            IpvsException e = assertTimeoutPreemptively(GUARD,
                    () -> thrown(IpvsException.class, () -> Ipvs.over(s, null).close()));
            assertThat(e.command()).isEqualTo("CTRL_CMD_GETFAMILY");
            assertThat(e.errno()).isEqualTo(110);
            assertThat(e.getMessage()).isEqualTo("CTRL_CMD_GETFAMILY failed: Connection timed out (errno 110) for "
                    + "family IPVS (recvfrom: no reply from the kernel within the receive timeout, so what was applied "
                    + "is unknown; re-read the state)");
        }
    }

    interface Call {
        void run() throws Exception;
    }

    private static <T extends OsException> T thrown(Class<T> type, Call call) throws Exception {
        try {
            call.run();
        } catch (Exception e) {
            if (type.isInstance(e)) {
                return type.cast(e);
            }
            throw e;
        }
        throw new AssertionError("no exception: the request was answered");
    }
}
