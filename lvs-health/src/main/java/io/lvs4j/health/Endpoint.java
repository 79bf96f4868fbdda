package io.lvs4j.health;

import io.lvs4j.internal.Preconditions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a network check connects: keepalived's {@code connect_ip}/{@code connect_port}, the local
 * {@code bindto}/{@code bind_port}, and {@code connect_timeout} (keepalived's default 5 s). The
 * read timeout of checks that read an answer defaults to the connect timeout, as keepalived uses
 * {@code connect_timeout} for both.
 */
public final class Endpoint {
    /** keepalived's default {@code connect_timeout}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final InetSocketAddress target;
    private final InetSocketAddress bind;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    private Endpoint(InetSocketAddress target, InetSocketAddress bind, Duration connectTimeout, Duration readTimeout) {
        this.target = target;
        this.bind = bind;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /** The target address and port, with keepalived's default timeout and no local binding. */
    public static Endpoint of(InetAddress address, int port) {
        Preconditions.checkNotNull(address, "address");
        Preconditions.checkInRange(port, 1, 65535, "port");
        return new Endpoint(new InetSocketAddress(address, port), null, DEFAULT_CONNECT_TIMEOUT, null);
    }

    /** The target by address literal (never resolved by DNS) and port. */
    public static Endpoint of(String address, int port) {
        return of(io.lvs4j.internal.Addresses.parse(address, "address"), port);
    }

    public Endpoint withBind(InetAddress address, int port) {
        Preconditions.checkNotNull(address, "bindto");
        Preconditions.checkInRange(port, 0, 65535, "bind_port");
        return new Endpoint(target, new InetSocketAddress(address, port), connectTimeout, readTimeout);
    }

    public Endpoint withConnectTimeout(Duration timeout) {
        return new Endpoint(target, bind, checkTimeout(timeout, "connect_timeout"), readTimeout);
    }

    public Endpoint withReadTimeout(Duration timeout) {
        return new Endpoint(target, bind, connectTimeout, checkTimeout(timeout, "read_timeout"));
    }

    public Endpoint withPort(int port) {
        Preconditions.checkInRange(port, 1, 65535, "port");
        return new Endpoint(new InetSocketAddress(target.getAddress(), port), bind, connectTimeout, readTimeout);
    }

    static Duration checkTimeout(Duration timeout, String name) {
        Preconditions.checkNotNull(timeout, name);
        Preconditions.checkArgument(!timeout.isNegative() && !timeout.isZero()
                && timeout.compareTo(Duration.ofHours(1)) <= 0, name, timeout, "1 ns..1 h");
        return timeout;
    }

    public InetSocketAddress target() {
        return target;
    }

    public InetAddress address() {
        return target.getAddress();
    }

    public int port() {
        return target.getPort();
    }

    /** The local address to bind, or {@code null}. */
    public InetSocketAddress bind() {
        return bind;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The read timeout; the connect timeout unless set. */
    public Duration readTimeout() {
        return readTimeout == null ? connectTimeout : readTimeout;
    }

    /** {@code 127.0.0.1:80} or {@code [::1]:80}. */
    public String hostPort() {
        String a = target.getAddress().getHostAddress();
        return (a.indexOf(':') >= 0 ? "[" + a + "]" : a) + ":" + target.getPort();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && target.equals(e.target) && Objects.equals(bind, e.bind)
                && connectTimeout.equals(e.connectTimeout) && readTimeout().equals(e.readTimeout());
    }

    @Override
    public int hashCode() {
        return Objects.hash(target, bind, connectTimeout, readTimeout());
    }

    @Override
    public String toString() {
        return hostPort() + (bind == null ? "" : " from " + bind) + " timeout " + connectTimeout.toMillis() + " ms";
    }
}
