package io.lvs4j.netlink;

import io.lvs4j.internal.Preconditions;
import io.lvs4j.netlink.internal.NetlinkIoException;
import io.lvs4j.netlink.internal.NetlinkSocket;
import io.lvs4j.netlink.internal.NlMessage;
import io.lvs4j.netlink.internal.RtnlCodec;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Link up/down events: subscribes to rtnetlink's {@code RTMGRP_LINK} and hands every
 * {@code RTM_NEWLINK}/{@code RTM_DELLINK} (a deleted link is reported with flags 0) to a listener,
 * on one daemon thread of its own. {@link #close()} stops it within 200 ms.
 *
 * <p>When the kernel drops events because the listener fell behind (ENOBUFS: the socket's receive
 * buffer overflowed), the monitor resynchronises: it discards the events still queued (older than
 * what follows), reads every link afresh ({@code RTM_GETLINK} dump) and hands each to the
 * listener, and reports links that existed (when it was opened, or by later events) and are gone
 * as deleted (flags 0). The listener thus
 * ends with the kernel's state, though it may see a link's current state twice.
 */
public final class LinkMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LinkMonitor.class);
    private static final int POLL_MILLIS = 200;

    private final NetlinkSocket socket;
    private final String netns;
    private final Consumer<Link> listener;
    /** The links the listener was last told about, by index (this thread only). */
    private final java.util.Map<Integer, Link> known = new java.util.HashMap<>();
    private volatile int resyncs;
    private final Thread thread;
    private volatile boolean closed;

    private LinkMonitor(NetlinkSocket socket, String netns, Consumer<Link> listener, String name) {
        this.socket = socket;
        this.netns = netns;
        this.listener = listener;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** Starts watching the links of {@code /run/netns/NAME} (null: the caller's namespace). */
    public static LinkMonitor open(String netns, Consumer<Link> listener) throws InterfaceException {
        return open(netns, listener, 0);
    }

    /** {@link #open(String, Consumer)} with a receive buffer of {@code receiveBuffer} bytes (0: 4 MiB); tests shrink it. */
    static LinkMonitor open(String netns, Consumer<Link> listener, int receiveBuffer) throws InterfaceException {
        Preconditions.checkNotNull(listener, "listener");
        NetlinkSocket s;
        try {
            s = NetlinkSocket.open(netns, RtnlCodec.NETLINK_ROUTE, RtnlCodec.RTMGRP_LINK);
            s.receiveTimeout(POLL_MILLIS);
            if (receiveBuffer > 0) {
                s.receiveBuffer(receiveBuffer);
            }
        } catch (NetlinkIoException e) {
            throw Rtnetlink.wrap(e, netns == null ? null : "network namespace " + netns);
        }
        LinkMonitor m = new LinkMonitor(s, netns, listener, "lvs4j-links" + (netns == null ? "" : "-" + netns));
        try (Rtnetlink r = Rtnetlink.open(netns)) { // what exists now, subscribed already: resyncs can report deletions
            for (Link l : r.links()) {
                m.known.put(l.index(), l);
            }
        } catch (InterfaceException | RuntimeException e) {
            s.close();
            throw e;
        }
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
                    if (e.errno == Ipvs.ENOBUFS && !closed) {
                        resync();
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
                        deliver(new Link(e.index(), e.name(),
                                m.type == RtnlCodec.RTM_DELLINK ? 0 : e.flags(), e.hardwareAddress()),
                                m.type == RtnlCodec.RTM_DELLINK);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.error("link events stopped: {}", e.toString());
        } finally {
            socket.close();
        }
    }

    private void deliver(Link link, boolean deleted) {
        if (deleted) {
            known.remove(link.index());
        } else {
            known.put(link.index(), link);
        }
        listener.accept(link);
    }

    /** After an overrun: drop the stale queue, then tell the listener every link as it is now. */
    private void resync() {
        try {
            long stale = socket.discardQueued();
            List<Link> now;
            try (Rtnetlink r = Rtnetlink.open(netns)) {
                now = r.links();
            }
            java.util.Set<Integer> present = new java.util.HashSet<>();
            for (Link l : now) {
                present.add(l.index());
            }
            for (Link old : List.copyOf(known.values())) {
                if (!present.contains(old.index())) {
                    deliver(new Link(old.index(), old.name(), 0, old.hardwareAddress()), true);
                }
            }
            for (Link l : now) {
                deliver(l, false);
            }
            resyncs++;
            LOG.warn("link events: the kernel dropped events (receive buffer overrun); {} stale discarded, "
                    + "resynchronised from {} links", stale, now.size());
        } catch (InterfaceException | NetlinkIoException e) {
            LOG.warn("link events: the kernel dropped events and resynchronising failed: {}", e.getMessage());
        }
    }

    /** How many times events were lost and the links re-read (for tests and monitoring). */
    int resyncs() {
        return resyncs;
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
