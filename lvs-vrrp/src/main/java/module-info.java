/** lvs4j vrrp module: a VRRP v2/v3 engine with typed, validated inputs and pluggable networks. */
module io.lvs4j.vrrp {
    requires transitive io.lvs4j.api;
    requires transitive io.lvs4j.netlink; // InterfaceException in signatures
    requires transitive io.netty.buffer; // VrrpTransport moves ByteBufs
    requires org.slf4j;

    exports io.lvs4j.vrrp;
    exports io.lvs4j.vrrp.spi;
    exports io.lvs4j.vrrp.memory;
    exports io.lvs4j.vrrp.linux;
}
