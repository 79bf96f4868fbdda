package io.lvs4j.netlink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The {@code sockaddr_un} bytes, against the layout in unix(7). */
class UnixDatagramTest {
    private static byte[] sockaddr(String name, int[] length) {
        ByteBuffer a = ByteBuffer.allocateDirect(110).order(ByteOrder.LITTLE_ENDIAN);
        a.put(5, (byte) 0x55); // stale bytes are cleared
        length[0] = UnixDatagram.sockaddr(name, a);
        byte[] b = new byte[110];
        a.get(0, b);
        return b;
    }

    @Test
    void sockaddr_path_familyThenPathAndItsNul() {
        int[] len = new int[1];
        byte[] b = sockaddr("/run/x", len);
        assertThat(Arrays.copyOf(b, 10)).containsExactly(1, 0, '/', 'r', 'u', 'n', '/', 'x', 0, 0);
        assertThat(len[0]).isEqualTo(2 + 6 + 1);
    }

    @Test
    void sockaddr_abstract_leadingNulAndNoTrailingOne() {
        int[] len = new int[1];
        byte[] b = sockaddr("@ab", len);
        assertThat(Arrays.copyOf(b, 7)).containsExactly(1, 0, 0, 'a', 'b', 0, 0);
        assertThat(len[0]).isEqualTo(2 + 1 + 2); // the kernel takes the name's length from addrlen
    }

    @Test
    void sockaddr_longestNames_fit() {
        int[] len = new int[1];
        sockaddr("/" + "p".repeat(106), len);
        assertThat(len[0]).isEqualTo(110);
        sockaddr("@" + "a".repeat(107), len);
        assertThat(len[0]).isEqualTo(110);
    }
}
