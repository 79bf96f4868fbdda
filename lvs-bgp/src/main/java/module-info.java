/**
 * lvs4j bgp module: an announce-only BGP-4 speaker (4-octet AS, IPv6, TCP MD5, graceful shutdown)
 * that announces a director's addresses to its routers.
 */
module io.lvs4j.bgp {
    requires io.lvs4j.api;
    requires io.lvs4j.netlink;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport;
    requires org.jnrproject.ffi;
    requires org.slf4j;
}
