package io.lvs4j;

import java.net.Inet6Address;
import java.net.InetAddress;

/** IPv4 or IPv6, with the kernel's {@code AF_*} numbers. */
public enum AddressFamily {
    INET(2, 32),
    INET6(10, 128);

    private final int number;
    private final int bits;

    AddressFamily(int number, int bits) {
        this.number = number;
        this.bits = bits;
    }

    /** {@code AF_INET} (2) or {@code AF_INET6} (10). */
    public int number() {
        return number;
    }

    /** Address length in bits: 32 or 128. */
    public int bits() {
        return bits;
    }

    /** The family of an address. */
    public static AddressFamily of(InetAddress address) {
        return address instanceof Inet6Address ? INET6 : INET;
    }

    /** The family of a kernel {@code AF_*} number. */
    public static AddressFamily ofNumber(int number) {
        if (number == 2) {
            return INET;
        }
        if (number == 10) {
            return INET6;
        }
        throw io.lvs4j.internal.Preconditions.invalid("address family", number, "2 (AF_INET) or 10 (AF_INET6)");
    }
}
