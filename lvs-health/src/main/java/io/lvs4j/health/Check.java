package io.lvs4j.health;

import java.net.InetAddress;

/**
 * A check not yet bound to a real server: what {@link Checks}' builders make, given once for all
 * real servers of a service ({@link ServiceHealth.Builder#check(Check, CheckPolicy)}) or for one
 * ({@link ServiceHealth.Builder#check(io.lvs4j.RealServer, Check, CheckPolicy)}).
 * {@link ServiceHealth} binds it to each real server's address and port, resolved as the service
 * resolves them, into a {@link Checker}.
 *
 * <p>Implementations are immutable. Implement it for a custom check that every real server of a
 * service runs; a custom check of one real server is a {@link Checker}.
 */
public interface Check {
    /**
     * The checker of one real server.
     *
     * @param address the real server's address; the check's own connect address, if it has one, wins
     * @param port the real server's port, as its service resolves it (0 only for a real server of a
     *     firewall-mark service given without a port); the check's {@link #connectPort()} wins
     * @param policy the policy it runs with (some defaults follow it, as keepalived's
     *     {@code misc_timeout} follows {@code delay_loop})
     * @throws IllegalArgumentException if the check cannot run against that target
     */
    Checker checker(InetAddress address, int port, CheckPolicy policy);

    /**
     * Whether the check needs a port ({@link ServiceHealth} refuses to bind it to a real server
     * without one unless {@link #connectPort()} gives one); false for checks that connect nowhere
     * (MISC_CHECK, FILE_CHECK) or need no port (PING_CHECK).
     */
    default boolean needsPort() {
        return true;
    }

    /** The port the check connects to instead of the real server's (keepalived's {@code connect_port}), or 0. */
    default int connectPort() {
        return 0;
    }

    /** A short description for messages, e.g. {@code TCP_CHECK} or {@code HTTP_GET /health}. */
    String describe();
}
