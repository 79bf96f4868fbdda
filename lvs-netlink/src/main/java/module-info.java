/** lvs4j netlink module. */
module io.lvs4j.netlink {
    requires io.lvs4j.api;
    // exports io.lvs4j.netlink once its API lands
}
