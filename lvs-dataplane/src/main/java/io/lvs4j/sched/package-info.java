/**
 * Userspace implementations of the 14 IPVS schedulers, making the kernel's choices.
 *
 * <p>A {@link io.lvs4j.sched.DestinationTable} holds one service's destinations in the kernel's
 * list order (newest first: {@code ip_vs_ctl.c} adds with {@code list_add_rcu} at the head), their
 * weights, thresholds, active and inactive connection counts and overload flag. A
 * {@link io.lvs4j.sched.ServiceScheduler} built over it for an {@link io.lvs4j.Scheduler} picks a
 * destination handle for a flow given as primitives, allocating nothing.
 *
 * <h2>Reference kernel</h2>
 * The reference is the Linux 6.1 the project's User-Mode Linux lab runs: Debian's
 * {@code user-mode-linux} package, built from Debian's linux 6.1.176. Its facts that matter here:
 * <ul>
 *   <li>Connection overhead is {@code active * 256 + inactive} ({@code ip_vs_dest_conn_overhead}).
 *       lc keeps the first least (strict {@code <}); wlc, sed and lblc/lblcr's fallback take the
 *       first not-overloaded destination with weight &gt; 0 and replace it only on a strictly
 *       smaller cross-multiplied load; sed and nq use {@code active + 1}; nq returns at once the
 *       first candidate with no active connection.</li>
 *   <li>fo takes the first destination of the highest weight; ovf the first of the highest weight
 *       among those with {@code active <= weight} (the kernel skips only {@code active > weight}).
 *       Every scheduler skips overloaded destinations and (directly or through its comparison)
 *       weight 0 ones; dh, sh and mh fail the pick (or, with the fallback flag, walk on) when the
 *       hashed slot's destination is such.</li>
 *   <li>The overload flag: set by {@code ip_vs_bind_dest} when active + inactive reach a non-zero
 *       upper threshold; cleared by {@code ip_vs_unbind_dest} when they fall below the lower
 *       threshold, or below 3/4 of the upper one when the lower is 0, or always when there is no
 *       upper threshold; cleared by an edit that sets the upper threshold to 0 or raises it.
 *       Activation changes (TCP state) do not touch it.</li>
 *   <li>rr: the cursor stays on its destination when others are added; removing it moves the
 *       cursor to the predecessor. wrr: any add, remove or edit restarts at the head with the
 *       current weight refitted to the new gcd and maximum.</li>
 *   <li>dh ignores weights (one bucket per destination, round and round); sh gives each destination
 *       as many consecutive buckets as its weight (at least one). Both hash with {@code hash_32}
 *       (multiplier {@code 0x61C88647}); IPv6 addresses fold as the XOR of their four words. sh's
 *       fallback walk starts at twice the hash, as the kernel's arithmetic does.</li>
 *   <li>mh hashes with hsiphash, which on a 64-bit kernel is SipHash-1-3 truncated to 32 bits, keys
 *       {@code (2654435761, 2654435761)} and {@code (2654446892, 2654446892)}; turns come from the
 *       last non-zero weight, so a quiesced destination keeps its slots.</li>
 *   <li>lblc's replacement of a cache entry increments the kernel's entry counter without
 *       decrementing it for the replaced entry (fixed in later 6.1 updates); we count the same way
 *       because it decides when garbage collection starts.</li>
 * </ul>
 * Later Debian 6.1 updates (6.1.187 on) changed the overhead to use total connections and rework
 * the overload rules; those are not modelled.
 *
 * <h2>Deliberate differences</h2>
 * <ul>
 *   <li>What the kernel reads from the packet or itself is given by the caller: connection counts
 *       ({@code bind}, {@code unbind}, {@code activate}, {@code deactivate}), time (a ticker, for
 *       lblc/lblcr), randomness (a {@code RandomGenerator}, for twos). The flow is the client's
 *       address and port and the address and port it connected to; for ICMP errors the kernel
 *       hashes the inverse addresses, and so must the caller.</li>
 *   <li>lc, wlc, sed, nq, fo, ovf and lblc/lblcr's fallback keep the kernel loop's answer in a
 *       tournament tree: a pick is O(1), a count change O(log n), adding or removing a destination
 *       O(n). The answers, ties included, are the kernel's.</li>
 *   <li>lblc/lblcr time is nanoseconds from the ticker instead of jiffies; the 60-second periodic
 *       check runs at the start of the first pick at or after it was due, with the time it was
 *       due.</li>
 *   <li>A removed destination stays in caches (lblc/lblcr) and keeps its counts until they drain,
 *       as in the kernel; re-adding the same address and port makes a new destination, whereas the
 *       kernel may revive the old one, counts and all, from its trash.</li>
 *   <li>mh with more destinations than table slots: the kernel keeps its old table; so do we, but
 *       a removed destination's slots become empty rather than keep pointing at it.</li>
 *   <li>Weights are limited to 0..65535 (ipvsadm), thresholds to 0..2^31-1, and a destination's
 *       {@code active * 256 + inactive} to 2^31-1, so no comparison overflows.</li>
 * </ul>
 */
package io.lvs4j.sched;
