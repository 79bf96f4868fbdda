/**
 * lvs4j's model: virtual services, real servers and director configurations, with the userspace
 * schedulers. No native code.
 */
module io.lvs4j.api {
    requires io.netty.buffer;

    exports io.lvs4j;
    exports io.lvs4j.conn;
    exports io.lvs4j.packet;
    exports io.lvs4j.sched;
    exports io.lvs4j.internal to io.lvs4j.netlink, io.lvs4j.vrrp, io.lvs4j.health, io.lvs4j.director;
}
