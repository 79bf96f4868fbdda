/** lvs4j vrrp module. */
module io.lvs4j.vrrp {
    requires io.lvs4j.api;
    exports io.lvs4j.vrrp.config;
}
