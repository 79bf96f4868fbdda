/** lvs4j director module. */
module io.lvs4j.director {
    requires transitive io.lvs4j.api;
    requires transitive io.lvs4j.netlink;
    requires transitive io.lvs4j.vrrp;
    requires transitive io.lvs4j.health;
    requires org.slf4j;
    requires com.fasterxml.jackson.core;
    requires jdk.unsupported; // sun.misc.Signal: SIGHUP for lvs4j run
    requires info.picocli;
    exports io.lvs4j.director;
    exports io.lvs4j.director.config;
    exports io.lvs4j.director.backend;
    exports io.lvs4j.director.host;
    // the command line is not API: picocli reads its annotations reflectively
    opens io.lvs4j.director.cli to info.picocli;
}
