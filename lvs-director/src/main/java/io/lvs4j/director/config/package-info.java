/**
 * keepalived.conf: {@link io.lvs4j.director.config.KeepalivedConfig#read(java.nio.file.Path)} reads
 * a file keepalived 2.2 accepts into typed configuration, or throws a
 * {@link io.lvs4j.director.config.ConfigException} carrying every located error;
 * {@link io.lvs4j.director.config.KeepalivedConfig#virtualServices()} gives the IPVS rules it
 * means and {@link io.lvs4j.director.config.KeepalivedConfig#toKeepalivedConf()} writes it back.
 * The keepalived records live only here: {@link io.lvs4j.director.config.KeepalivedConfig#toDirectorConfig()}
 * (or a {@link io.lvs4j.director.config.KeepalivedMapper}, which reuses unchanged blocks across
 * reloads) maps a configuration onto the director's {@link io.lvs4j.director.DirectorConfig}, and
 * {@link io.lvs4j.director.config.StartTable} gives what it installs at start.
 *
 * <p>The checker blocks of a {@code real_server} ({@code TCP_CHECK}, {@code HTTP_GET},
 * {@code SSL_GET}, {@code MISC_CHECK}, {@code SMTP_CHECK}, {@code DNS_CHECK}, {@code UDP_CHECK},
 * {@code PING_CHECK}, {@code FILE_CHECK}, {@code BFD_CHECK}) and the {@code SSL} block are the
 * {@link io.lvs4j.director.config.CheckerConfig} records and {@link io.lvs4j.director.config.SslConfig}:
 * immutable values where a {@code null} option means "not set here", so the real server's or
 * virtual server's setting (or keepalived's default) applies.
 * {@link io.lvs4j.director.config.CheckerMapping} maps them onto lvs-health's checks and policies.
 */
package io.lvs4j.director.config;
