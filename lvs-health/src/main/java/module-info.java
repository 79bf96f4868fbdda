/** lvs4j health module. */
module io.lvs4j.health {
    requires io.lvs4j.api;
    exports io.lvs4j.health.config;
}
