package io.lvs4j.vrrp.internal;

import io.lvs4j.internal.Addresses;
import java.util.Arrays;

/**
 * A decoded advertisement. Mutable and reused by its owner so that receiving allocates nothing;
 * valid until the next decode into it.
 */
public final class Advert {
    int version;
    int type;
    int vrid;
    int priority;
    int count;
    int authType;
    /** v2: seconds times 100; v3: the max advertisement interval field. */
    int intervalCentis;
    int checksum;
    int ttl;
    int addressLength;
    long ahSequence;
    final byte[] source = new byte[16];
    final byte[] destination = new byte[16];
    final byte[] addresses = new byte[255 * 16];

    public int version() {
        return version;
    }

    public int vrid() {
        return vrid;
    }

    public int priority() {
        return priority;
    }

    public int count() {
        return count;
    }

    public int authType() {
        return authType;
    }

    public int intervalCentis() {
        return intervalCentis;
    }

    public int checksum() {
        return checksum;
    }

    /** TTL or hop limit. */
    public int ttl() {
        return ttl;
    }

    public long ahSequence() {
        return ahSequence;
    }

    /** 4 or 16. */
    public int addressLength() {
        return addressLength;
    }

    public byte[] source() {
        return Arrays.copyOf(source, addressLength);
    }

    public byte[] destination() {
        return Arrays.copyOf(destination, addressLength);
    }

    public byte[] address(int i) {
        return Arrays.copyOfRange(addresses, i * addressLength, (i + 1) * addressLength);
    }

    /** Compares the source with {@code other} as unsigned big-endian numbers (the RFC tie-break). */
    public int compareSourceTo(byte[] other) {
        return Arrays.compareUnsigned(source, 0, addressLength, other, 0, other.length);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Advert[v").append(version).append(" type=").append(type)
                .append(" vrid=").append(vrid).append(" prio=").append(priority).append(" count=").append(count)
                .append(" auth=").append(authType).append(" intervalCs=").append(intervalCentis)
                .append(" ttl=").append(ttl);
        if (addressLength != 0) {
            sb.append(" src=").append(Addresses.format(Addresses.of(source()))).append(" addrs=[");
            for (int i = 0; i < count; i++) {
                sb.append(i == 0 ? "" : ", ").append(Addresses.format(Addresses.of(address(i))));
            }
            sb.append(']');
        }
        return sb.append(']').toString();
    }
}
