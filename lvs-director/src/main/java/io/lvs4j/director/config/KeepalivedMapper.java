package io.lvs4j.director.config;

import io.lvs4j.director.DirectorConfig;
import io.lvs4j.director.config.internal.KeepalivedMapping;
import io.lvs4j.internal.Preconditions;

/**
 * Maps keepalived.conf's records onto a {@link DirectorConfig}, remembering its last mapping: the
 * virtual_server blocks of the next configuration that equal one of the last (under the same
 * groups and SSL settings) are taken from it, so their services are the same
 * {@link io.lvs4j.health.ServiceHealth} objects, which {@code Director.apply} compares by identity.
 * A reload that changes one weight of 10,000 services maps one block and is one kernel request.
 *
 * <pre>{@code
 * KeepalivedMapper mapper = KeepalivedMapper.create();
 * Director d = Director.builder().config(mapper.map(KeepalivedConfig.read(path).config())).start();
 * d.apply(mapper.map(KeepalivedConfig.read(path).config())); // on SIGHUP
 * }</pre>
 *
 * <p>Thread-safe: each {@link #map} is one step.
 */
public final class KeepalivedMapper {
    private KeepalivedMapping.Mapped last = KeepalivedMapping.Mapped.NONE;

    private KeepalivedMapper() {}

    /**
     * A mapper with no last mapping. Its checks have no namespace of their own: every check,
     * PING_CHECK's socket included, runs in the director's ({@code Director.Builder.netns}).
     */
    public static KeepalivedMapper create() {
        return new KeepalivedMapper();
    }

    /**
     * What a director runs for {@code config} (see {@link KeepalivedConfig#toDirectorConfig()});
     * the mapper remembers it for the next call.
     *
     * @throws IllegalArgumentException if something in it cannot run (BFD_CHECK, a bad
     *     lvs_sync_daemon, a script user not on this host); the mapper keeps its last mapping
     */
    public synchronized DirectorConfig map(KeepalivedConfig config) {
        Preconditions.checkNotNull(config, "config");
        last = KeepalivedMapping.map(config, last);
        return last.config();
    }
}
