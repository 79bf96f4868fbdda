/**
 * Host settings around a director, with undo: {@link io.lvs4j.director.host.RealServerSetup} (the
 * LVS-DR/TUN real-server recipe: VIP on {@code lo}, ARP sysctls) and
 * {@link io.lvs4j.director.host.DirectorSetup} ({@code ip_forward} for NAT, {@code send_redirects=0}
 * for DR/TUN). Both return {@link io.lvs4j.director.host.HostChanges}, which restores exactly the
 * previous values.
 */
package io.lvs4j.director.host;
