/**
 * A user's module: it requires lvs-director only, and compiles against the model (io.lvs4j.api)
 * because lvs-director requires it transitively.
 */
module org.example.consumer {
    requires io.lvs4j.director;

    exports org.example.consumer;
}
