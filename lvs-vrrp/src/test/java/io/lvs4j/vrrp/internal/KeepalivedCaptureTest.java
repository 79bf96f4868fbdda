package io.lvs4j.vrrp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.vrrp.DropReason;
import io.lvs4j.vrrp.spi.Ipv6Ancillary;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Adverts the real keepalived 2.2.7 sent over a veth pair between two network namespaces, captured
 * on a raw socket by {@code KeepalivedInteropIT} (files in {@code keepalived/}). keepalived's
 * configuration was: virtual_router_id 51, priority 150, one VIP (192.0.2.100 or 2001:db8::100),
 * source 192.0.2.11 or its link-local address; v2 with auth_pass "secret" and advert_int 1, v3 with
 * advert_int 0.1.
 */
class KeepalivedCaptureTest {
    private record Captured(ByteBuf packet, Ipv6Ancillary ancillary) {}

    private static List<Captured> load(String name) throws IOException {
        List<Captured> list = new ArrayList<>();
        try (InputStream in = KeepalivedCaptureTest.class.getResourceAsStream("keepalived/" + name)) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (!lines[i].startsWith("packet=")) {
                    continue;
                }
                ByteBuf p = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(lines[i].substring(7)));
                Ipv6Ancillary anc = null;
                if (i + 3 < lines.length && lines[i + 1].startsWith("source=")) {
                    anc = new Ipv6Ancillary((Inet6Address) InetAddress.getByName(lines[i + 1].substring(7)),
                            (Inet6Address) InetAddress.getByName(lines[i + 2].substring(12)),
                            Integer.parseInt(lines[i + 3].substring(9)));
                }
                list.add(new Captured(p, anc));
            }
        }
        assertThat(list).hasSize(3);
        return list;
    }

    private static byte[] ip(String s) throws IOException {
        return InetAddress.getByName(s).getAddress();
    }

    private static AdvertCodec codec(boolean v6, int version, int centis, int auth, String password, String vip)
            throws IOException {
        return new AdvertCodec(new AdvertCodec.Config(v6, version, 51, centis, auth,
                Arrays.copyOf(password.getBytes(StandardCharsets.US_ASCII), 8), ip(v6 ? "fe80::1" : "192.0.2.12"),
                ip(vip), false, List.of()));
    }

    private static void check(Advert a, int version, int centis, String vip, String source, int len) throws IOException {
        assertThat(a.version()).isEqualTo(version);
        assertThat(a.vrid()).isEqualTo(51);
        assertThat(a.priority()).isEqualTo(150);
        assertThat(a.count()).isEqualTo(1);
        assertThat(a.intervalCentis()).isEqualTo(centis);
        assertThat(a.ttl()).isEqualTo(255);
        assertThat(a.address(0)).isEqualTo(ip(vip));
        assertThat(Arrays.copyOf(a.source(), len)).isEqualTo(ip(source));
    }

    @Test
    void v2Pass_decodesToKeepalivedsSettings() throws IOException {
        AdvertCodec c = codec(false, 2, 100, AdvertCodec.AUTH_PASS, "secret", "192.0.2.100");
        for (Captured p : load("keepalived-v2-pass.txt")) {
            Advert a = new Advert();
            assertThat(c.decode(p.packet(), null, a)).isNull();
            check(a, 2, 100, "192.0.2.100", "192.0.2.11", 4);
            assertThat(a.authType()).isEqualTo(1);
        }
    }

    @Test
    void v2Pass_otherPassword_isAuthFailure() throws IOException {
        AdvertCodec c = codec(false, 2, 100, AdvertCodec.AUTH_PASS, "secreT", "192.0.2.100");
        assertThat(c.decode(load("keepalived-v2-pass.txt").get(0).packet(), null, new Advert()))
                .isEqualTo(DropReason.AUTH_FAILURE);
    }

    @Test
    void v3Ipv4_decodesToKeepalivedsSettings() throws IOException {
        AdvertCodec c = codec(false, 3, 10, AdvertCodec.AUTH_NONE, "", "192.0.2.100");
        for (Captured p : load("keepalived-v3-ipv4.txt")) {
            Advert a = new Advert();
            assertThat(c.decode(p.packet(), null, a)).isNull();
            check(a, 3, 10, "192.0.2.100", "192.0.2.11", 4);
        }
    }

    @Test
    void v3Ipv4_corruptedByte_isBadChecksum() throws IOException {
        AdvertCodec c = codec(false, 3, 10, AdvertCodec.AUTH_NONE, "", "192.0.2.100");
        ByteBuf p = load("keepalived-v3-ipv4.txt").get(0).packet();
        p.setByte(p.writerIndex() - 1, p.getByte(p.writerIndex() - 1) ^ 1);
        assertThat(c.decode(p, null, new Advert())).isEqualTo(DropReason.BAD_CHECKSUM);
    }

    @Test
    void v3Ipv6_decodesToKeepalivedsSettings() throws IOException {
        AdvertCodec c = codec(true, 3, 10, AdvertCodec.AUTH_NONE, "", "2001:db8::100");
        for (Captured p : load("keepalived-v3-ipv6.txt")) {
            Advert a = new Advert();
            assertThat(c.decode(p.packet(), p.ancillary(), a)).isNull();
            check(a, 3, 10, "2001:db8::100", p.ancillary().source().getHostAddress(), 16);
            assertThat(p.ancillary().source().isLinkLocalAddress()).isTrue();
        }
    }
}
