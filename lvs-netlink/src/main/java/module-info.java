/** lvs4j netlink module: the kernel's IPVS over generic netlink; links, addresses and raw sockets. */
module io.lvs4j.netlink {
    requires io.lvs4j.api;
    requires org.jnrproject.ffi;
    requires io.netty.buffer;
    requires org.slf4j;

    exports io.lvs4j.netlink;
}
