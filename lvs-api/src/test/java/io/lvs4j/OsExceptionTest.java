package io.lvs4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class OsExceptionTest {
    /**
     * Rtnetlink, Sysctl, NetworkNamespace and the forwarder wrap their I/O failure with
     * {@code initCause}: that threw IllegalStateException ("Can't overwrite cause") instead of
     * giving the OsException, e.g. a VRRP advert sent on an interface that went down.
     */
    @Test
    void initCause_afterThePublicConstructor_setsTheCause() {
        IOException io = new IOException("sendto");
        OsException e = new OsException("sendto", "packet to 224.0.0.18", 101, "Network is unreachable", null);
        assertThat(e.initCause(io)).isSameAs(e);
        assertThat(e.getCause()).isSameAs(io);
        assertThat(e).hasMessage("sendto failed: Network is unreachable (errno 101) for packet to 224.0.0.18");
    }
}
