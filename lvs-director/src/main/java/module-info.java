/** lvs4j director module. */
module io.lvs4j.director {
    requires io.lvs4j.api;
    // exports io.lvs4j.director once its API lands
}
