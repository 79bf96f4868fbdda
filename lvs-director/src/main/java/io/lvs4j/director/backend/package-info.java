/**
 * Director backends over real systems: {@link io.lvs4j.director.backend.KernelDirectorBackend}
 * applies lvs-health's actions to the kernel's IPVS table through lvs-netlink.
 */
package io.lvs4j.director.backend;
