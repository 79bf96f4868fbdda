/** Userspace implementations of the IPVS schedulers, making the kernel's choices. */
package io.lvs4j.sched;
