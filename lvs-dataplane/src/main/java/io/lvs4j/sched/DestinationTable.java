package io.lvs4j.sched;

import io.lvs4j.AddressFamily;
import io.lvs4j.RealServer;
import io.lvs4j.internal.Addresses;
import io.lvs4j.internal.Preconditions;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * The destinations (real servers) of one virtual service, in the kernel's list order, with the
 * weights, thresholds, connection counts and overload flag that the schedulers read.
 *
 * <p>A destination is named by an {@code int} handle that {@link #add} returns. The kernel adds
 * new destinations at the head of the service's list, so {@link #handleAt(int) handleAt(0)} is
 * the newest; every scheduler walks the list in that order. A removed destination keeps its handle
 * (and its counts, so its connections can still be {@link #unbind unbound}) until it has no
 * connections left and no scheduler cache refers to it; only then may {@link #add} reuse the
 * handle.
 *
 * <p>The overload flag follows the kernel: {@link #bind} sets it once the destination's
 * connections (active plus inactive) reach a non-zero upper threshold; {@link #unbind} clears it
 * once they fall below the lower threshold, or below three quarters of the upper threshold when
 * the lower one is 0, or at once when there is no upper threshold. {@link #edit} clears it when the
 * upper threshold becomes 0 or grows.
 *
 * <p>Not thread-safe: one thread owns a table and the {@link ServiceScheduler}s attached to it.
 */
public final class DestinationTable {
    /** No destination: what {@link #find} and the schedulers return when there is none. */
    public static final int NONE = -1;

    /** The largest connection overhead ({@code active * 256 + inactive}) a destination may reach. */
    static final int MAX_OVERHEAD = Integer.MAX_VALUE;

    private final AddressFamily family;

    // per handle
    private int[] weight = new int[8];
    private int[] lastWeight = new int[8];
    private int[] active = new int[8];
    private int[] inactive = new int[8];
    private int[] lower = new int[8];
    private int[] upper = new int[8];
    private boolean[] overloaded = new boolean[8];
    private boolean[] inUse = new boolean[8];
    private int[] refs = new int[8];
    private int[] pos = new int[8];
    private int[] addr = new int[32];
    private boolean[] v6 = new boolean[8];
    private int[] port = new int[8];
    private int handles; // high-water mark
    private int[] free = new int[8];
    private int freeCount;

    // the list, in kernel order
    private int[] order = new int[8];
    private int size;

    /** Listed destinations with {@code 2 * active < weight} (lblc/lblcr's "someone is idle enough"). */
    private int underHalf;

    private ServiceScheduler[] attached = new ServiceScheduler[0];

    private DestinationTable(AddressFamily family) {
        this.family = family;
    }

    /** An empty table for a service of that address family (it decides how addresses hash). */
    public static DestinationTable create(AddressFamily serviceFamily) {
        Preconditions.checkNotNull(serviceFamily, "service family");
        return new DestinationTable(serviceFamily);
    }

    /** The service's address family. */
    public AddressFamily family() {
        return family;
    }

    /** Adds a destination with no thresholds; see {@link #add(InetAddress, int, int, int, int)}. */
    public int add(InetAddress address, int port, int weight) {
        return add(address, port, weight, 0, 0);
    }

    /**
     * Adds a destination at the head of the list, as {@code ipvsadm -a} does, and returns its
     * handle.
     *
     * @param address the real server's address (either family, as the kernel allows for tunnels)
     * @param port 0..65535
     * @param weight 0..65535; 0 means quiesced
     * @param lowerThreshold 0..upperThreshold; 0 means three quarters of the upper threshold
     * @param upperThreshold 0..{@link Integer#MAX_VALUE}; 0 means none
     * @throws IllegalArgumentException for an out-of-range value or an address and port already
     *     listed
     */
    public int add(InetAddress address, int port, int weight, int lowerThreshold, int upperThreshold) {
        return addAt(0, address, port, weight, lowerThreshold, upperThreshold);
    }

    /**
     * As {@link #add(InetAddress, int, int, int, int)}, but at list index {@code index} (0 to
     * {@link #size()}; 0 is the head, where {@code ipvsadm -a} adds) instead of the head. For a
     * caller whose destinations become available in an order of their own but must be listed in a
     * given one: the tables of mh, sh and dh depend on the list order, so directors that are to
     * agree on them must list the same destinations in the same order.
     */
    public int addAt(int index, InetAddress address, int port, int weight, int lowerThreshold, int upperThreshold) {
        Preconditions.checkInRange(index, 0, size, "list index");
        Preconditions.checkNotNull(address, "address");
        checkPort(port, "port");
        checkEdit(weight, lowerThreshold, upperThreshold);
        byte[] b = address.getAddress();
        int a0;
        int a1 = 0;
        int a2 = 0;
        int a3 = 0;
        boolean six = b.length == 16;
        if (six) {
            a0 = word(b, 0);
            a1 = word(b, 4);
            a2 = word(b, 8);
            a3 = word(b, 12);
        } else {
            a0 = word(b, 0);
        }
        int existing = find(six, a0, a1, a2, a3, port);
        if (existing != NONE) {
            throw Preconditions.invalid("real server", Addresses.format(address) + " port " + port,
                    "an address and port not yet in the service");
        }
        int h = allocate();
        this.addr[4 * h] = a0;
        this.addr[4 * h + 1] = a1;
        this.addr[4 * h + 2] = a2;
        this.addr[4 * h + 3] = a3;
        this.v6[h] = six;
        this.port[h] = port;
        this.active[h] = 0;
        this.inactive[h] = 0;
        this.refs[h] = 0;
        this.overloaded[h] = false;
        this.weight[h] = weight;
        this.lastWeight[h] = weight;
        this.lower[h] = lowerThreshold;
        this.upper[h] = upperThreshold;
        // list_add_rcu: at the head
        if (size == order.length) {
            order = Arrays.copyOf(order, size * 2);
        }
        System.arraycopy(order, index, order, index + 1, size - index);
        order[index] = h;
        size++;
        for (int i = index; i < size; i++) {
            pos[order[i]] = i;
        }
        if (2L * active[h] < weight) {
            underHalf++;
        }
        for (ServiceScheduler s : attached) {
            s.added(h);
        }
        return h;
    }

    /**
     * Edits a listed destination as {@code ipvsadm -e} does: new weight and thresholds, the
     * overload flag cleared if the upper threshold becomes 0 or grows, and the attached schedulers
     * told (wrr restarts its cycle; dh, sh and mh rebuild their tables).
     */
    public void edit(int handle, int weight, int lowerThreshold, int upperThreshold) {
        checkListed(handle);
        checkEdit(weight, lowerThreshold, upperThreshold);
        boolean wasUnder = isUnderHalf(handle);
        if (weight != 0) {
            lastWeight[handle] = weight;
        }
        this.weight[handle] = weight;
        if (upperThreshold == 0 || Integer.compareUnsigned(upperThreshold, upper[handle]) > 0) {
            overloaded[handle] = false;
        }
        lower[handle] = lowerThreshold;
        upper[handle] = upperThreshold;
        underHalf += (isUnderHalf(handle) ? 1 : 0) - (wasUnder ? 1 : 0);
        for (ServiceScheduler s : attached) {
            s.edited(handle);
        }
    }

    /** {@link #edit} with a new weight and the thresholds unchanged. */
    public void weight(int handle, int weight) {
        checkListed(handle);
        edit(handle, weight, lower[handle], upper[handle]);
    }

    /**
     * Removes a listed destination from the list, as {@code ipvsadm -d} does. Its handle stays
     * valid for {@link #unbind}, {@link #activate} and {@link #deactivate} until its connections are
     * gone.
     */
    public void remove(int handle) {
        checkListed(handle);
        int p = pos[handle];
        if (isUnderHalf(handle)) {
            underHalf--;
        }
        System.arraycopy(order, p + 1, order, p, size - p - 1);
        size--;
        pos[handle] = -1;
        for (int i = p; i < size; i++) {
            pos[order[i]] = i;
        }
        for (ServiceScheduler s : attached) {
            s.removed(handle, p);
        }
        maybeFree(handle);
    }

    /** The handle of the listed destination with that address and port, or {@link #NONE}. */
    public int find(InetAddress address, int port) {
        Preconditions.checkNotNull(address, "address");
        checkPort(port, "port");
        byte[] b = address.getAddress();
        if (b.length == 16) {
            return find(true, word(b, 0), word(b, 4), word(b, 8), word(b, 12), port);
        }
        return find(false, word(b, 0), 0, 0, 0, port);
    }

    private int find(boolean six, int a0, int a1, int a2, int a3, int port) {
        for (int i = 0; i < size; i++) {
            int h = order[i];
            if (v6[h] == six && this.port[h] == port && addr[4 * h] == a0 && addr[4 * h + 1] == a1
                    && addr[4 * h + 2] == a2 && addr[4 * h + 3] == a3) {
                return h;
            }
        }
        return NONE;
    }

    /**
     * A new connection was bound to a listed destination (the kernel's {@code ip_vs_bind_dest}):
     * counts it as active or inactive, then sets the overload flag if the connections reached the
     * upper threshold.
     *
     * @throws IllegalStateException if the destination's overhead would exceed
     *     {@link Integer#MAX_VALUE}
     */
    public void bind(int handle, boolean active) {
        checkListed(handle);
        bindUnchecked(handle, active);
    }

    void bindUnchecked(int handle, boolean isActive) {
        boolean wasUnder = isUnderHalf(handle);
        if (isActive) {
            checkOverhead(handle, this.active[handle] + 1, inactive[handle]);
            this.active[handle]++;
        } else {
            checkOverhead(handle, this.active[handle], inactive[handle] + 1);
            inactive[handle]++;
        }
        int u = upper[handle];
        if (u != 0 && Integer.compareUnsigned(total(handle), u) >= 0) {
            overloaded[handle] = true;
        }
        countsChanged(handle, wasUnder);
    }

    /**
     * A connection left a destination (the kernel's {@code ip_vs_unbind_dest}); {@code active} says
     * whether it was counted active. Then clears the overload flag by the thresholds. Works for
     * removed destinations whose connections are still draining.
     */
    public void unbind(int handle, boolean active) {
        checkKnown(handle);
        if (active ? this.active[handle] == 0 : inactive[handle] == 0) {
            throw new IllegalStateException(Preconditions.message(
                    active ? "active connections" : "inactive connections", 0,
                    "> 0 to unbind one from destination " + handle));
        }
        unbindUnchecked(handle, active);
    }

    void unbindUnchecked(int handle, boolean isActive) {
        boolean wasUnder = isUnderHalf(handle);
        if (isActive) {
            this.active[handle]--;
        } else {
            inactive[handle]--;
        }
        int l = lower[handle];
        int u = upper[handle];
        if (l != 0) {
            if (Integer.compareUnsigned(total(handle), l) < 0) {
                overloaded[handle] = false;
            }
        } else if (u != 0) {
            if (Integer.compareUnsigned(total(handle) * 4, u * 3) < 0) {
                overloaded[handle] = false;
            }
        } else {
            overloaded[handle] = false;
        }
        countsChanged(handle, wasUnder);
        if (pos[handle] < 0) {
            maybeFree(handle);
        }
    }

    /** A connection of the destination went from inactive to active (e.g. TCP established). */
    public void activate(int handle) {
        checkKnown(handle);
        if (inactive[handle] == 0) {
            throw new IllegalStateException(Preconditions.message("inactive connections", 0,
                    "> 0 to activate one on destination " + handle));
        }
        checkOverhead(handle, active[handle] + 1, inactive[handle] - 1);
        boolean wasUnder = isUnderHalf(handle);
        inactive[handle]--;
        active[handle]++;
        countsChanged(handle, wasUnder);
    }

    /** A connection of the destination went from active to inactive (e.g. TCP FIN_WAIT). */
    public void deactivate(int handle) {
        checkKnown(handle);
        if (active[handle] == 0) {
            throw new IllegalStateException(Preconditions.message("active connections", 0,
                    "> 0 to deactivate one on destination " + handle));
        }
        boolean wasUnder = isUnderHalf(handle);
        active[handle]--;
        inactive[handle]++;
        countsChanged(handle, wasUnder);
    }

    /** How many destinations are listed. */
    public int size() {
        return size;
    }

    /** The handle at that index of the kernel's list (0 is the most recently added). */
    public int handleAt(int index) {
        Preconditions.checkInRange(index, 0, size - 1, "index");
        return order[index];
    }

    /** The listed handles in the kernel's list order. */
    public int[] handles() {
        return Arrays.copyOf(order, size);
    }

    /** Whether the handle names a listed destination. */
    public boolean listed(int handle) {
        return handle >= 0 && handle < handles && inUse[handle] && pos[handle] >= 0;
    }

    /** The destination's index in the list, or -1 if it was removed. */
    public int indexOf(int handle) {
        checkKnown(handle);
        return pos[handle];
    }

    public InetAddress address(int handle) {
        checkKnown(handle);
        if (v6[handle]) {
            byte[] b = new byte[16];
            for (int i = 0; i < 4; i++) {
                putWord(b, 4 * i, addr[4 * handle + i]);
            }
            return Addresses.of(b);
        }
        byte[] b = new byte[4];
        putWord(b, 0, addr[4 * handle]);
        return Addresses.of(b);
    }

    /**
     * One 32-bit word of the destination's address, host order, without allocating: IPv4 in word
     * 0, IPv6 in words 0..3 (most significant first). For the packet path.
     */
    public int addressWord(int handle, int word) {
        checkKnown(handle);
        Preconditions.checkInRange(word, 0, 3, "word");
        return addr[4 * handle + word];
    }

    /** Whether the destination's address is IPv6. */
    public boolean ipv6(int handle) {
        checkKnown(handle);
        return v6[handle];
    }

    public int port(int handle) {
        checkKnown(handle);
        return port[handle];
    }

    public int weight(int handle) {
        checkKnown(handle);
        return weight[handle];
    }

    /** The latest non-zero weight (the kernel's {@code last_weight}, which mh uses). */
    public int lastWeight(int handle) {
        checkKnown(handle);
        return lastWeight[handle];
    }

    public int lowerThreshold(int handle) {
        checkKnown(handle);
        return lower[handle];
    }

    public int upperThreshold(int handle) {
        checkKnown(handle);
        return upper[handle];
    }

    public int activeConnections(int handle) {
        checkKnown(handle);
        return active[handle];
    }

    public int inactiveConnections(int handle) {
        checkKnown(handle);
        return inactive[handle];
    }

    /** The kernel's {@code IP_VS_DEST_F_OVERLOAD}. */
    public boolean overloaded(int handle) {
        checkKnown(handle);
        return overloaded[handle];
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("DestinationTable{").append(family);
        for (int i = 0; i < size; i++) {
            int h = order[i];
            sb.append(i == 0 ? " " : ", ").append('#').append(h).append(' ')
                    .append(Addresses.format(address(h))).append(':').append(port[h])
                    .append(" w=").append(weight[h]).append(" a=").append(active[h])
                    .append(" i=").append(inactive[h]);
            if (overloaded[h]) {
                sb.append(" overloaded");
            }
        }
        return sb.append('}').toString();
    }

    // ---- package-private fast accessors for the schedulers (no checks) ----

    int sizeU() {
        return size;
    }

    int at(int index) {
        return order[index];
    }

    int pos(int h) {
        return pos[h];
    }

    int weightU(int h) {
        return weight[h];
    }

    int lastWeightU(int h) {
        return lastWeight[h];
    }

    int activeU(int h) {
        return active[h];
    }

    int inactiveU(int h) {
        return inactive[h];
    }

    boolean overloadedU(int h) {
        return overloaded[h];
    }

    boolean listedU(int h) {
        return pos[h] >= 0;
    }

    /** The kernel's {@code ip_vs_dest_conn_overhead}: {@code active * 256 + inactive}. */
    int overheadU(int h) {
        return (active[h] << 8) + inactive[h];
    }

    int portU(int h) {
        return port[h];
    }

    int addrWord(int h, int i) {
        return addr[4 * h + i];
    }

    /** Listed destinations with {@code 2 * active < weight}. */
    int underHalf() {
        return underHalf;
    }

    /** A scheduler cache now refers to the destination (the kernel's dest refcount). */
    void retain(int h) {
        refs[h]++;
    }

    void release(int h) {
        refs[h]--;
        if (pos[h] < 0) {
            maybeFree(h);
        }
    }

    void attach(ServiceScheduler s) {
        ServiceScheduler[] a = Arrays.copyOf(attached, attached.length + 1);
        a[attached.length] = s;
        attached = a;
    }

    void detach(ServiceScheduler s) {
        for (int i = 0; i < attached.length; i++) {
            if (attached[i] == s) {
                ServiceScheduler[] a = new ServiceScheduler[attached.length - 1];
                System.arraycopy(attached, 0, a, 0, i);
                System.arraycopy(attached, i + 1, a, i, attached.length - i - 1);
                attached = a;
                return;
            }
        }
    }

    // ---- internals ----

    private int total(int h) {
        return active[h] + inactive[h];
    }

    private boolean isUnderHalf(int h) {
        return pos[h] >= 0 && 2L * active[h] < weight[h];
    }

    private void countsChanged(int h, boolean wasUnder) {
        underHalf += (isUnderHalf(h) ? 1 : 0) - (wasUnder ? 1 : 0);
        if (pos[h] >= 0) {
            ServiceScheduler[] a = attached;
            for (int i = 0; i < a.length; i++) {
                a[i].countsChanged(h);
            }
        }
    }

    private void checkOverhead(int h, int newActive, int newInactive) {
        if (((long) newActive << 8) + newInactive > MAX_OVERHEAD) {
            throw new IllegalStateException(Preconditions.message("connection overhead of destination " + h,
                    ((long) newActive << 8) + newInactive, "active * 256 + inactive <= " + MAX_OVERHEAD));
        }
    }

    private void maybeFree(int h) {
        if (pos[h] < 0 && inUse[h] && active[h] == 0 && inactive[h] == 0 && refs[h] == 0) {
            inUse[h] = false;
            if (freeCount == free.length) {
                free = Arrays.copyOf(free, freeCount * 2);
            }
            free[freeCount++] = h;
        }
    }

    private int allocate() {
        int h;
        if (freeCount > 0) {
            h = free[--freeCount];
        } else {
            h = handles++;
            if (h == weight.length) {
                int n = h * 2;
                weight = Arrays.copyOf(weight, n);
                lastWeight = Arrays.copyOf(lastWeight, n);
                active = Arrays.copyOf(active, n);
                inactive = Arrays.copyOf(inactive, n);
                lower = Arrays.copyOf(lower, n);
                upper = Arrays.copyOf(upper, n);
                overloaded = Arrays.copyOf(overloaded, n);
                inUse = Arrays.copyOf(inUse, n);
                refs = Arrays.copyOf(refs, n);
                pos = Arrays.copyOf(pos, n);
                addr = Arrays.copyOf(addr, 4 * n);
                v6 = Arrays.copyOf(v6, n);
                port = Arrays.copyOf(port, n);
            }
        }
        inUse[h] = true;
        pos[h] = -1;
        return h;
    }

    private void checkKnown(int handle) {
        if (handle < 0 || handle >= handles || !inUse[handle]) {
            throw Preconditions.invalid("destination", handle, "a handle this table returned and still holds");
        }
    }

    private void checkListed(int handle) {
        checkKnown(handle);
        if (pos[handle] < 0) {
            throw new IllegalStateException(Preconditions.message("destination", handle, "a listed destination, not a removed one"));
        }
    }

    private static void checkEdit(int weight, int lowerThreshold, int upperThreshold) {
        Preconditions.checkInRange(weight, 0, RealServer.MAX_WEIGHT, "weight");
        Preconditions.checkInRange(upperThreshold, 0, Integer.MAX_VALUE, "upper threshold");
        Preconditions.checkInRange(lowerThreshold, 0, upperThreshold, "lower threshold");
    }

    static void checkPort(int port, String name) {
        Preconditions.checkInRange(port, 0, 65535, name);
    }

    private static int word(byte[] b, int o) {
        return (b[o] & 0xff) << 24 | (b[o + 1] & 0xff) << 16 | (b[o + 2] & 0xff) << 8 | (b[o + 3] & 0xff);
    }

    private static void putWord(byte[] b, int o, int v) {
        b[o] = (byte) (v >>> 24);
        b[o + 1] = (byte) (v >>> 16);
        b[o + 2] = (byte) (v >>> 8);
        b[o + 3] = (byte) v;
    }
}
