/** lvs4j director module. */
module io.lvs4j.director {
    requires io.lvs4j.api;
    requires io.lvs4j.vrrp;
    requires io.lvs4j.health;
    exports io.lvs4j.director.config;
}
