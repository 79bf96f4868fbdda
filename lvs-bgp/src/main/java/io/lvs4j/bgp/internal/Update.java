package io.lvs4j.bgp.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A decoded UPDATE message (RFC 4271 section 4.3, RFC 4760, RFC 6793, RFC 1997). Attributes that
 * were absent read as null or -1. When the UPDATE was malformed in a way RFC 7606 lets the session
 * survive, {@link #errors()} says what was wrong (the routes are then to be treated as withdrawn,
 * or the attribute was discarded).
 */
public final class Update implements Message {
    /** An AS_PATH or AS4_PATH segment: its type and AS numbers. */
    public record Segment(int type, List<Long> asns) {
        public Segment {
            asns = List.copyOf(asns);
        }

        /** How many ASes the segment counts for in path length (RFC 4271 9.1.2.2, RFC 5065). */
        public int pathLength() {
            return type == Bgp.AS_SEQUENCE ? asns.size() : type == Bgp.AS_SET ? 1 : 0;
        }
    }

    /** MP_REACH_NLRI: the family, its next hops (one, or a global and a link-local one) and prefixes. */
    public record MpReach(Message.Family family, List<InetAddress> nextHops, List<IpPrefix> nlri) {
        public MpReach {
            nextHops = List.copyOf(nextHops);
            nlri = List.copyOf(nlri);
        }
    }

    /** MP_UNREACH_NLRI: the family and its withdrawn prefixes (none: End-of-RIB). */
    public record MpUnreach(Message.Family family, List<IpPrefix> withdrawn) {
        public MpUnreach {
            withdrawn = List.copyOf(withdrawn);
        }
    }

    List<IpPrefix> withdrawn = new ArrayList<>();
    List<IpPrefix> nlri = new ArrayList<>();
    int origin = -1;
    List<Segment> asPath;
    List<Segment> as4Path;
    Inet4Address nextHop;
    long med = -1;
    long localPref = -1;
    List<Integer> communities;
    boolean atomicAggregate;
    MpReach mpReach;
    MpUnreach mpUnreach;
    List<Integer> otherAttributes = new ArrayList<>();
    List<MessageError> errors = new ArrayList<>();

    Update() {}

    /** An empty UPDATE to fill in (for encoding). */
    public static Builder builder() {
        return new Builder();
    }

    /** Fills in an UPDATE to encode; attributes left out are not sent. */
    public static final class Builder {
        private final Update u = new Update();

        private Builder() {}

        public Builder withdrawn(IpPrefix p) {
            u.withdrawn.add(p);
            return this;
        }

        public Builder nlri(IpPrefix p) {
            u.nlri.add(p);
            return this;
        }

        public Builder origin(int origin) {
            u.origin = origin;
            return this;
        }

        /** AS_PATH: one AS_SEQUENCE of these ASes (none: an empty AS_PATH, as iBGP sends). */
        public Builder asSequence(List<Long> asns) {
            u.asPath = asns.isEmpty() ? new ArrayList<>() : new ArrayList<>(List.of(new Segment(Bgp.AS_SEQUENCE, asns)));
            return this;
        }

        public Builder asPath(List<Segment> segments) {
            u.asPath = new ArrayList<>(segments);
            return this;
        }

        public Builder as4Path(List<Segment> segments) {
            u.as4Path = new ArrayList<>(segments);
            return this;
        }

        public Builder nextHop(Inet4Address nextHop) {
            u.nextHop = nextHop;
            return this;
        }

        public Builder med(long med) {
            u.med = med;
            return this;
        }

        public Builder localPref(long localPref) {
            u.localPref = localPref;
            return this;
        }

        public Builder communities(List<Integer> communities) {
            u.communities = new ArrayList<>(communities);
            return this;
        }

        public Builder mpReach(MpReach reach) {
            u.mpReach = reach;
            return this;
        }

        public Builder mpUnreach(MpUnreach unreach) {
            u.mpUnreach = unreach;
            return this;
        }

        public Update build() {
            return u;
        }
    }

    /** IPv4 prefixes in the Withdrawn Routes field. */
    public List<IpPrefix> withdrawn() {
        return Collections.unmodifiableList(withdrawn);
    }

    /** IPv4 prefixes in the NLRI field. */
    public List<IpPrefix> nlri() {
        return Collections.unmodifiableList(nlri);
    }

    /** ORIGIN (0 IGP, 1 EGP, 2 INCOMPLETE) or -1. */
    public int origin() {
        return origin;
    }

    /** AS_PATH segments, or null when absent. */
    public List<Segment> asPath() {
        return asPath == null ? null : Collections.unmodifiableList(asPath);
    }

    /** AS4_PATH segments (from a 2-octet peer), or null when absent or discarded. */
    public List<Segment> as4Path() {
        return as4Path == null ? null : Collections.unmodifiableList(as4Path);
    }

    public Inet4Address nextHop() {
        return nextHop;
    }

    /** MULTI_EXIT_DISC or -1. */
    public long med() {
        return med;
    }

    /** LOCAL_PREF or -1. */
    public long localPref() {
        return localPref;
    }

    /** COMMUNITIES as 32-bit values (AS in the high 16 bits), or null when absent. */
    public List<Integer> communities() {
        return communities == null ? null : Collections.unmodifiableList(communities);
    }

    public boolean atomicAggregate() {
        return atomicAggregate;
    }

    public MpReach mpReach() {
        return mpReach;
    }

    public MpUnreach mpUnreach() {
        return mpUnreach;
    }

    /** Type codes of the other (optional) attributes, in order. */
    public List<Integer> otherAttributes() {
        return Collections.unmodifiableList(otherAttributes);
    }

    /** Errors the session survives (RFC 7606 treat-as-withdraw or attribute-discard), in order. */
    public List<MessageError> errors() {
        return Collections.unmodifiableList(errors);
    }

    /** Whether RFC 7606 says to treat the routes of this UPDATE as withdrawn. */
    public boolean treatAsWithdraw() {
        for (MessageError e : errors) {
            if (e.action() == MessageError.Action.TREAT_AS_WITHDRAW) {
                return true;
            }
        }
        return false;
    }

    /** Whether it is an End-of-RIB marker (RFC 4724): IPv4 an empty UPDATE, others an empty MP_UNREACH alone. */
    public boolean endOfRib() {
        boolean noClassic = withdrawn.isEmpty() && nlri.isEmpty();
        if (!noClassic || mpReach != null || !errors.isEmpty()) {
            return false;
        }
        boolean noAttributes = origin < 0 && asPath == null && nextHop == null && med < 0 && localPref < 0
                && communities == null && !atomicAggregate && otherAttributes.isEmpty() && as4Path == null;
        return noAttributes && (mpUnreach == null || mpUnreach.withdrawn().isEmpty());
    }

    /**
     * The AS path a 4-octet speaker sees (RFC 6793 section 4.2.3): AS_PATH with its trailing ASes
     * replaced by AS4_PATH, when AS4_PATH is present and not longer than AS_PATH; else AS_PATH.
     */
    public List<Segment> reconstructedAsPath() {
        if (asPath == null || as4Path == null) {
            return asPath();
        }
        int n = 0;
        for (Segment s : asPath) {
            n += s.pathLength();
        }
        int n4 = 0;
        for (Segment s : as4Path) {
            n4 += s.pathLength();
        }
        if (n < n4) {
            return asPath();
        }
        // keep the leading (n - n4) ASes of AS_PATH (sets counting one), then AS4_PATH
        List<Segment> out = new ArrayList<>();
        int keep = n - n4;
        boolean previousTaken = true;
        for (Segment s : asPath) {
            if (keep == 0) {
                // a confederation segment adjacent to a taken one is taken too
                previousTaken = previousTaken && s.pathLength() == 0;
                if (previousTaken) {
                    out.add(s);
                }
                continue;
            }
            if (s.type() == Bgp.AS_SEQUENCE && s.asns().size() > keep) {
                out.add(new Segment(Bgp.AS_SEQUENCE, s.asns().subList(0, keep)));
                keep = 0;
                previousTaken = false;
            } else {
                out.add(s);
                keep -= s.pathLength();
            }
        }
        out.addAll(as4Path);
        return Collections.unmodifiableList(out);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Update[");
        if (!withdrawn.isEmpty()) {
            sb.append("withdrawn=").append(withdrawn).append(' ');
        }
        if (origin >= 0) {
            sb.append("origin=").append(origin).append(' ');
        }
        if (asPath != null) {
            sb.append("asPath=").append(asPath).append(' ');
        }
        if (as4Path != null) {
            sb.append("as4Path=").append(as4Path).append(' ');
        }
        if (nextHop != null) {
            sb.append("nextHop=").append(nextHop.getHostAddress()).append(' ');
        }
        if (med >= 0) {
            sb.append("med=").append(med).append(' ');
        }
        if (localPref >= 0) {
            sb.append("localPref=").append(localPref).append(' ');
        }
        if (communities != null) {
            sb.append("communities=").append(communities).append(' ');
        }
        if (mpReach != null) {
            sb.append("mpReach=").append(mpReach).append(' ');
        }
        if (mpUnreach != null) {
            sb.append("mpUnreach=").append(mpUnreach).append(' ');
        }
        if (!nlri.isEmpty()) {
            sb.append("nlri=").append(nlri).append(' ');
        }
        if (!errors.isEmpty()) {
            sb.append("errors=").append(errors).append(' ');
        }
        return sb.toString().trim() + "]";
    }
}
