package io.lvs4j.director.config;

import java.net.InetAddress;
import java.time.Duration;

/**
 * The options every checker shares (keepalived.conf(5): connect_ip ... log_all_failures). Each is
 * {@code null} when not given in the checker block. MISC_CHECK has no connection options; BFD_CHECK
 * and FILE_CHECK have none of them.
 */
public record CheckOptions(
        InetAddress connectIp,
        Integer connectPort,
        InetAddress bindTo,
        String bindInterface,
        Integer bindPort,
        Long fwmark,
        Duration connectTimeout,
        Integer retry,
        Duration delayBeforeRetry,
        Duration warmup,
        Duration delayLoop,
        Boolean alpha,
        Boolean logAllFailures) {

    /** No option set. */
    public static final CheckOptions NONE =
            new CheckOptions(null, null, null, null, null, null, null, null, null, null, null, null, null);

    public boolean isEmpty() {
        return equals(NONE);
    }
}
