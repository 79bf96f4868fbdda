package io.lvs4j.netlink;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.internal.NetlinkIoException;
import io.lvs4j.netlink.internal.NetlinkSocket;
import io.lvs4j.netlink.internal.NlMessage;
import io.lvs4j.netlink.internal.RtnlCodec;
import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Link up/down events: subscribes to rtnetlink's {@code RTMGRP_LINK} and hands every
 * {@code RTM_NEWLINK}/{@code RTM_DELLINK} (a deleted link is reported with flags 0) to a listener,
 * on one daemon thread of its own. {@link #close()} stops it within 200 ms.
 */
public final class LinkMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LinkMonitor.class);
    private static final int POLL_MILLIS = 200;

    private final NetlinkSocket socket;
    private final Consumer<Link> listener;
    private final Thread thread;
    private volatile boolean closed;

    private LinkMonitor(NetlinkSocket socket, Consumer<Link> listener, String name) {
        this.socket = socket;
        this.listener = listener;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** Starts watching the links of {@code /run/netns/NAME} (null: the caller's namespace). */
    public static LinkMonitor open(String netns, Consumer<Link> listener) throws InterfaceException {
        Preconditions.checkNotNull(listener, "listener");
        NetlinkSocket s;
        try {
            s = NetlinkSocket.open(netns, RtnlCodec.NETLINK_ROUTE, RtnlCodec.RTMGRP_LINK);
            s.receiveTimeout(POLL_MILLIS);
        } catch (NetlinkIoException e) {
            throw Rtnetlink.wrap(e, netns == null ? null : "network namespace " + netns);
        }
        LinkMonitor m = new LinkMonitor(s, listener, "lvs4j-links" + (netns == null ? "" : "-" + netns));
        m.thread.start();
        return m;
    }

    private void run() {
        try {
            while (!closed) {
                ByteBuf d;
                try {
                    d = socket.receive();
                } catch (NetlinkIoException e) {
                    if (NetlinkSocket.isTimeout(e)) {
                        continue;
                    }
                    if (!closed) {
                        LOG.warn("link events: {}", e.getMessage());
                    }
                    continue;
                }
                while (d.isReadable()) {
                    NlMessage m = NlMessage.next(d);
                    if (m.type == RtnlCodec.RTM_NEWLINK || m.type == RtnlCodec.RTM_DELLINK) {
                        RtnlCodec.LinkEntry e = RtnlCodec.parseLink(m);
                        listener.accept(new Link(e.index(), e.name(),
                                m.type == RtnlCodec.RTM_DELLINK ? 0 : e.flags(), e.hardwareAddress()));
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.error("link events stopped: {}", e.toString());
        } finally {
            socket.close();
        }
    }

    /** Stops the thread and closes the socket. */
    @Override
    public void close() {
        closed = true;
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5L * POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
