/**
 * lvs4j bgp module: an announce-only BGP-4 speaker (4-octet AS, IPv6, TCP MD5, graceful shutdown)
 * that announces a director's addresses to its routers.
 */
module io.lvs4j.bgp {
    requires transitive io.lvs4j.api; // Scheduler in the builder, AddressFamily in BgpSession
    requires transitive io.lvs4j.netlink; // InterfaceException from start()
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport;
    requires org.jnrproject.ffi;
    requires org.slf4j;

    exports io.lvs4j.bgp;
}
