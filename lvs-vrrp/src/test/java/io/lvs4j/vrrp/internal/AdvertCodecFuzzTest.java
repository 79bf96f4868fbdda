package io.lvs4j.vrrp.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lvs4j.vrrp.spi.Ipv6Ancillary;
import io.netty.buffer.Unpooled;
import java.net.Inet6Address;
import java.util.Arrays;
import java.util.List;

/**
 * Any bytes give an accepted advert or a drop reason, never an exception, for every codec
 * configuration kind (v2 none/PASS/AH, v3 IPv4 multicast/unicast, v3 IPv6). Input: byte 0 picks the
 * configuration, byte 1 the IPv6 hop limit (0: no ancillary data; 1: unicast destination), the rest is the packet. Under
 * {@code mvn test} it replays its seeds (the golden packets); {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class AdvertCodecFuzzTest {
    private static final AdvertCodec.Config[] CONFIGS = {
        AdvertCodecTest.v2None(), AdvertCodecTest.v2Pass("secret"), AdvertCodecTest.v2Ah("ahkey"),
        AdvertCodecTest.v3Ipv4(false, List.of()), AdvertCodecTest.v3Ipv4(true, List.of(AdvertCodecTest.SRC)),
        AdvertCodecTest.v3Ipv6(),
    };
    private static final Ipv6Ancillary[] ANCILLARY = new Ipv6Ancillary[256];

    static {
        for (int i = 1; i < 256; i++) {
            ANCILLARY[i] = new Ipv6Ancillary((Inet6Address) AdvertCodecTest.addr("fe80::1"),
                    (Inet6Address) AdvertCodecTest.addr(i == 1 ? "fe80::2" : "ff02::12"), i);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void decode_anyBytes_advertOrDrop(byte[] input) {
        if (input.length < 2) {
            return;
        }
        AdvertCodec.Config config = CONFIGS[(input[0] & 0xff) % CONFIGS.length];
        Ipv6Ancillary ancillary = ANCILLARY[input[1] & 0xff];
        byte[] packet = Arrays.copyOfRange(input, 2, input.length);
        Advert out = new Advert();
        AdvertCodec codec = new AdvertCodec(config);
        codec.decode(Unpooled.wrappedBuffer(packet), ancillary, out);
        codec.decode(Unpooled.wrappedBuffer(packet), ancillary, out);
        codec.sameAddresses(out);
    }
}
