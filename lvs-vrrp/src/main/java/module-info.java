/** lvs4j vrrp module: a VRRP v2/v3 engine with pluggable transports. */
module io.lvs4j.vrrp {
    requires io.lvs4j.api;
    requires io.lvs4j.netlink;
    requires io.netty.buffer;
    requires org.slf4j;

    exports io.lvs4j.vrrp;
    exports io.lvs4j.vrrp.config;
    exports io.lvs4j.vrrp.spi;
    exports io.lvs4j.vrrp.memory;
    exports io.lvs4j.vrrp.linux;
}
