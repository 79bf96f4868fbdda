package io.lvs4j.director.config;

import io.lvs4j.internal.Preconditions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * How {@link KeepalivedConfig} reads a file.
 *
 * <ul>
 *   <li>{@code configId}: the id {@code @id} / {@code @^id} lines compare against; keepalived's
 *       {@code -i}. Defaults like keepalived's to the host name up to its first dot.
 *   <li>{@code includes}: whether {@code include} lines are followed (on by default); when off they
 *       are errors, which suits reading untrusted text.
 *   <li>{@code baseDirectory}: where relative includes of text read with
 *       {@link KeepalivedConfig#parse(String, String, ReadOptions)} resolve.
 *   <li>{@code randomSeed}: the seed of {@code ${_RANDOM}}, so reads are repeatable.
 * </ul>
 */
public final class ReadOptions {
    private static final ReadOptions DEFAULTS = builder().build();

    private final String configId;
    private final boolean includes;
    private final Path baseDirectory;
    private final long randomSeed;
    private final boolean checkScripts;

    private ReadOptions(Builder b) {
        this.configId = b.configId;
        this.includes = b.includes;
        this.baseDirectory = b.baseDirectory;
        this.randomSeed = b.randomSeed;
        this.checkScripts = b.checkScripts;
    }

    public static ReadOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.configId = configId;
        b.includes = includes;
        b.baseDirectory = baseDirectory;
        b.randomSeed = randomSeed;
        b.checkScripts = checkScripts;
        return b;
    }

    /** The config id; {@code null} only if the host name could not be found. */
    public String configId() {
        return configId;
    }

    public boolean includes() {
        return includes;
    }

    /** The directory relative includes of parsed text resolve against (default: working dir). */
    public Path baseDirectory() {
        return baseDirectory;
    }

    public long randomSeed() {
        return randomSeed;
    }

    /**
     * Whether the scripts are checked on this host as the director checks them at start (script
     * user, {@code enable_script_security}); what it would refuse or warn about is a located warning.
     */
    public boolean checkScripts() {
        return checkScripts;
    }

    @Override
    public String toString() {
        return "ReadOptions{configId=" + configId + ", includes=" + includes + ", baseDirectory="
                + baseDirectory + ", randomSeed=" + randomSeed + ", checkScripts=" + checkScripts + "}";
    }

    /** keepalived's default config id: the node name up to its first dot. */
    static String hostConfigId() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            int dot = name.indexOf('.');
            return dot > 0 ? name.substring(0, dot) : name;
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    public static final class Builder {
        private String configId = hostConfigId();
        private boolean includes = true;
        private Path baseDirectory = Path.of("");
        private long randomSeed;
        private boolean checkScripts;

        private Builder() {}

        /** The id {@code @id} lines match, like {@code keepalived -i ID}. */
        public Builder configId(String configId) {
            Preconditions.checkNotNull(configId, "configId");
            Preconditions.checkArgument(!configId.isEmpty() && configId.chars().noneMatch(Character::isWhitespace),
                    "configId", configId, "a word without spaces");
            this.configId = configId;
            return this;
        }

        public Builder includes(boolean includes) {
            this.includes = includes;
            return this;
        }

        public Builder baseDirectory(Path baseDirectory) {
            this.baseDirectory = Preconditions.checkNotNull(baseDirectory, "baseDirectory");
            return this;
        }

        public Builder randomSeed(long randomSeed) {
            this.randomSeed = randomSeed;
            return this;
        }

        /** Checks the scripts on this host as the director does at start; false. */
        public Builder checkScripts(boolean check) {
            this.checkScripts = check;
            return this;
        }

        public ReadOptions build() {
            return new ReadOptions(this);
        }
    }
}
