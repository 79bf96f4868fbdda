/** lvs4j director module: the composed director as a library, host helpers, the keepalived.conf reader. */
module io.lvs4j.director {
    requires transitive io.lvs4j.api;
    requires transitive io.lvs4j.netlink;
    requires transitive io.lvs4j.vrrp;
    requires transitive io.lvs4j.health;
    requires transitive io.lvs4j.bgp; // route health injection: BgpSpeaker in RouteHealthInjection
    requires org.slf4j;
    exports io.lvs4j.director;
    exports io.lvs4j.director.config;
    exports io.lvs4j.director.ipvsadm;
    exports io.lvs4j.director.host;
}
