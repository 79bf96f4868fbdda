/**
 * keepalived.conf: {@link io.lvs4j.director.config.KeepalivedConfig#read(java.nio.file.Path)} reads
 * a file keepalived 2.2 accepts into typed configuration, or throws a
 * {@link io.lvs4j.director.config.ConfigException} carrying every located error;
 * {@link io.lvs4j.director.config.KeepalivedConfig#virtualServices()} gives the IPVS rules it
 * means and {@link io.lvs4j.director.config.KeepalivedConfig#toKeepalivedConf()} writes it back.
 */
package io.lvs4j.director.config;
