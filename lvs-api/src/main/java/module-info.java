/**
 * lvs4j's model: virtual services, real servers and director configurations with their fluent
 * builders, the diff between two configurations, the IPVS table SPI with an in-memory table and
 * the reconciler, and the time source every engine runs on. No native code, no dependencies.
 */
module io.lvs4j.api {
    exports io.lvs4j;
    exports io.lvs4j.table;
    exports io.lvs4j.time;
    exports io.lvs4j.internal to io.lvs4j.netlink, io.lvs4j.dataplane, io.lvs4j.vrrp, io.lvs4j.health,
            io.lvs4j.director, io.lvs4j.bgp, io.lvs4j.metrics;
}
