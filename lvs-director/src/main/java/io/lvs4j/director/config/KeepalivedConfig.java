package io.lvs4j.director.config;

import io.lvs4j.VirtualService;
import io.lvs4j.director.config.internal.Binder;
import io.lvs4j.director.config.internal.CheckerCheck;
import io.lvs4j.director.config.internal.ScriptCheck;
import io.lvs4j.director.config.internal.LvsMapper;
import io.lvs4j.director.config.internal.Preprocessor;
import io.lvs4j.director.config.internal.Problems;
import io.lvs4j.director.config.internal.StrictMode;
import io.lvs4j.director.config.internal.Token;
import io.lvs4j.director.config.internal.TreeBuilder;
import io.lvs4j.director.config.internal.VrrpMapper;
import io.lvs4j.director.config.internal.Writer;
import io.lvs4j.internal.Preconditions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A keepalived.conf, typed: global definitions, the VRRP part (its blocks as written; the director
 * runs them as lvs-vrrp's {@link io.lvs4j.vrrp.VrrpInstance}s, {@link io.lvs4j.vrrp.VrrpScript}s and
 * {@link io.lvs4j.vrrp.VrrpSyncGroup}s, mapped in one place), the LVS part (virtual servers and
 * groups, with lvs-health's checker types).
 *
 * <pre>{@code
 * ConfigResult r = KeepalivedConfig.read(Path.of("/etc/keepalived/keepalived.conf"));
 * r.warnings().forEach(System.err::println);
 * List<VirtualService> rules = r.config().virtualServices();   // what keepalived installs
 * String text = r.config().toKeepalivedConf();                 // and back
 * }</pre>
 */
public record KeepalivedConfig(
        GlobalDefs globalDefs,
        List<VrrpScriptConfig> vrrpScripts,
        List<VrrpInstanceConfig> vrrpInstances,
        List<VrrpSyncGroupConfig> vrrpSyncGroups,
        List<VirtualServerGroupConfig> virtualServerGroups,
        List<VirtualServerConfig> virtualServers,
        SslConfig ssl,
        BgpSpeakerConfig bgpSpeaker) {

    /** Without lvs4j's {@code bgp_speaker} block. */
    public KeepalivedConfig(GlobalDefs globalDefs, List<VrrpScriptConfig> vrrpScripts,
            List<VrrpInstanceConfig> vrrpInstances, List<VrrpSyncGroupConfig> vrrpSyncGroups,
            List<VirtualServerGroupConfig> virtualServerGroups, List<VirtualServerConfig> virtualServers,
            SslConfig ssl) {
        this(globalDefs, vrrpScripts, vrrpInstances, vrrpSyncGroups, virtualServerGroups, virtualServers, ssl, null);
    }

    public KeepalivedConfig {
        Preconditions.checkNotNull(globalDefs, "globalDefs");
        vrrpScripts = List.copyOf(vrrpScripts);
        vrrpInstances = List.copyOf(vrrpInstances);
        vrrpSyncGroups = List.copyOf(vrrpSyncGroups);
        virtualServerGroups = List.copyOf(virtualServerGroups);
        virtualServers = List.copyOf(virtualServers);
    }

    /** A configuration with only virtual servers and groups. */
    public static KeepalivedConfig ofLvs(List<VirtualServerGroupConfig> groups, List<VirtualServerConfig> servers) {
        return new KeepalivedConfig(GlobalDefs.EMPTY, List.of(), List.of(), List.of(), groups, servers, null);
    }

    /** Reads a keepalived.conf and everything it includes, with the default options. */
    public static ConfigResult read(Path file) throws IOException, ConfigException {
        return read(file, ReadOptions.defaults());
    }

    /**
     * Reads a keepalived.conf and everything it includes.
     *
     * @throws IOException if the file itself cannot be read (an unreadable include is a located error)
     * @throws ConfigException carrying every error found, each with file:line:column
     */
    public static ConfigResult read(Path file, ReadOptions options) throws IOException, ConfigException {
        Preconditions.checkNotNull(file, "file");
        Preconditions.checkNotNull(options, "options");
        Problems problems = new Problems();
        List<Token> tokens = new Preprocessor(options, problems).readFile(file);
        return finish(tokens, problems, options);
    }

    /**
     * Reads configuration text; {@code fileName} is what locations name. Includes resolve against
     * {@link ReadOptions#baseDirectory()} (or are errors if {@link ReadOptions#includes()} is off).
     */
    public static ConfigResult parse(String fileName, String text, ReadOptions options) throws ConfigException {
        Preconditions.checkNotNull(fileName, "fileName");
        Preconditions.checkNotNull(text, "text");
        Preconditions.checkNotNull(options, "options");
        Problems problems = new Problems();
        List<Token> tokens = new Preprocessor(options, problems).readString(fileName, text, options.baseDirectory());
        return finish(tokens, problems, options);
    }

    private static ConfigResult finish(List<Token> tokens, Problems problems, ReadOptions options)
            throws ConfigException {
        Binder binder = new Binder(problems);
        KeepalivedConfig config = StrictMode.apply(binder.bind(new TreeBuilder(tokens, problems).build()), problems,
                binder.locations(), binder.keywordLocations());
        LvsMapper.map(config, problems, binder.locations());
        // what the director runs, mapped here too: what it would refuse at start is a located error now
        VrrpMapper.map(config, problems, binder.locations(), binder.keywordLocations());
        if (!problems.hasErrors()) { // the checks as the director builds them: what it would refuse, located
            CheckerCheck.check(config, problems, binder.locations());
        }
        if (options.checkScripts() && !problems.hasErrors()) {
            ScriptCheck.check(config.globalDefs(), binder.scriptSites(), problems);
        }
        if (problems.hasErrors()) {
            throw new ConfigException(problems.errors(), problems.warnings());
        }
        return new ConfigResult(config, problems.warnings());
    }

    /**
     * The IPVS services keepalived 2.2.7 installs from this configuration when every real server is
     * healthy: groups expanded, keepalived's defaults applied (scheduler wlc, forwarding NAT,
     * protocol as keepalived chooses, weight 1, persistence 360s when granularity alone is given),
     * virtual servers without real servers left out, sorry servers where the quorum is not met (and
     * at weight 0 where it is, with {@code sorry_server_inhibit}).
     *
     * @throws IllegalStateException if the configuration cannot be installed (see {@link #read})
     */
    public List<VirtualService> virtualServices() {
        Problems problems = new Problems();
        List<VirtualService> services = LvsMapper.map(this, problems);
        if (problems.hasErrors()) {
            throw new IllegalStateException(problems.errors().get(0).message());
        }
        return services;
    }

    /**
     * What a director runs for this configuration, for {@code Director.Builder.config} and
     * {@code Director.apply}: its virtual servers as services with their checks, quorum, sorry
     * servers and commands, its VRRP blocks, {@code lvs_timeouts}, {@code lvs_sync_daemon},
     * {@code lvs_flush}, {@code lvs_flush_onstop}, the script policy, {@code bgp_speaker} and
     * {@code vrrp_strict}. PING_CHECKs use this process's network namespace; a director in another
     * one, or one that reloads often, maps with a {@link KeepalivedMapper}.
     *
     * @throws IllegalArgumentException if something in it cannot run (BFD_CHECK, a bad
     *     lvs_sync_daemon, a script user not on this host)
     */
    public io.lvs4j.director.DirectorConfig toDirectorConfig() {
        return KeepalivedMapper.create().map(this);
    }

    /** This configuration as keepalived.conf text that reads back to an equal configuration. */
    public String toKeepalivedConf() {
        return Writer.write(this);
    }
}
