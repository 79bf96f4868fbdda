/**
 * lvs4j's kernel binding: the kernel's IPVS over generic netlink, links and addresses over
 * rtnetlink, sysctls, network namespaces, and the raw and ICMP sockets VRRP and health checks use.
 */
module io.lvs4j.netlink {
    requires transitive io.lvs4j.api;
    requires transitive io.netty.buffer; // RawIpSocket sends and receives ByteBufs
    requires org.jnrproject.ffi;
    requires org.slf4j;

    exports io.lvs4j.netlink;
    // the packet-socket primitives of the userspace forwarder; the director's namespace lock
    exports io.lvs4j.netlink.internal to io.lvs4j.dataplane, io.lvs4j.director;
}
