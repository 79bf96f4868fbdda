/**
 * lvs4j health module: checks and their builders, and the monitor that publishes a health view.
 * PING_CHECK's ICMP socket is lvs-netlink's.
 */
module io.lvs4j.health {
    requires transitive io.lvs4j.api;
    requires io.lvs4j.netlink; // IcmpEcho (PING_CHECK); no netlink type in this module's API
    requires transitive io.netty.transport;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.handler;
    requires org.slf4j;
    exports io.lvs4j.health;
}
