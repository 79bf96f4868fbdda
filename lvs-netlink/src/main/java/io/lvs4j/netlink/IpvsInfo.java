package io.lvs4j.netlink;

/**
 * What {@code IPVS_CMD_GET_INFO} reports.
 *
 * @param version the version code, e.g. {@code 0x010201}
 * @param connectionTableSize the connection hash table's size
 */
public record IpvsInfo(int version, int connectionTableSize) {
    /** {@code 1.2.1}, as ipvsadm prints it. */
    public String versionText() {
        return ((version >> 16) & 0xff) + "." + ((version >> 8) & 0xff) + "." + (version & 0xff);
    }
}
