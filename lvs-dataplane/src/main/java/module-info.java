/**
 * lvs4j's userspace data plane: the IPVS schedulers, the connection table and packet rewrite
 * (pure Java over Netty's {@code ByteBuf}), and the AF_PACKET forwarder that runs them where the
 * kernel has no IPVS.
 */
module io.lvs4j.dataplane {
    requires transitive io.lvs4j.api;
    requires transitive io.lvs4j.netlink; // InterfaceException in the forwarder's signatures
    requires transitive io.netty.buffer;
    requires org.slf4j;

    exports io.lvs4j.sched;
    exports io.lvs4j.conn;
    exports io.lvs4j.packet;
    exports io.lvs4j.forwarder;
}
