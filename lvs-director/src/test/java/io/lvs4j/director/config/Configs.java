package io.lvs4j.director.config;

import java.nio.file.Path;

/** Reading helpers for tests. */
final class Configs {
    private Configs() {}

    static ReadOptions options() {
        return ReadOptions.builder().configId("main").includes(false).build();
    }

    static ConfigResult parse(String text) throws ConfigException {
        return KeepalivedConfig.parse("keepalived.conf", text, options());
    }

    static ConfigResult parse(String text, Path base) throws ConfigException {
        return KeepalivedConfig.parse("keepalived.conf", text, options().toBuilder().includes(true).baseDirectory(base).build());
    }

    static ConfigException errors(String text) {
        try {
            parse(text);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected errors in:\n" + text);
    }
}
