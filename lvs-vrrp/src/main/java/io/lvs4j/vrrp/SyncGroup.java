package io.lvs4j.vrrp;

import io.lvs4j.internal.Preconditions;
import java.util.List;

/**
 * The running form of a {@link VrrpSyncGroup}: routers that change state together. A member goes master
 * only when every member wants to (its Master_Down_Timer fired, or it is master already), and then
 * all go; a member preempted to backup takes the others to backup; a member in fault takes the
 * others to FAULT until every member's own faults have cleared.
 */
final class SyncGroup {
    private final String name;
    private final List<VrrpRouter> members;

    private SyncGroup(String name, List<VrrpRouter> members) {
        this.name = name;
        this.members = members;
    }

    /** Groups routers that are still in INIT and in no other group. */
    static SyncGroup of(String name, List<VrrpRouter> members) {
        Preconditions.checkNotNull(name, "name");
        Preconditions.checkArgument(members != null && members.size() >= 2, "vrrp_sync_group " + name + " group",
                members == null ? null : members.size(), "at least 2 instances");
        List<VrrpRouter> copy = List.copyOf(members);
        for (VrrpRouter r : copy) {
            Preconditions.checkArgument(r.group == null, "vrrp_sync_group " + name + " group", r.instance().name(),
                    "an instance in no other sync group");
            Preconditions.checkArgument(r.state() == RouterState.INIT, "vrrp_sync_group " + name + " group",
                    r.instance().name(), "an instance not started yet");
        }
        SyncGroup g = new SyncGroup(name, copy);
        for (VrrpRouter r : copy) {
            r.group = g;
        }
        return g;
    }

    String name() {
        return name;
    }

    List<VrrpRouter> members() {
        return members;
    }

    boolean anyFault() {
        for (VrrpRouter m : members) {
            if (m.ownFault()) {
                return true;
            }
        }
        return false;
    }

    void memberWantsMaster(VrrpRouter trigger) {
        for (VrrpRouter m : members) {
            boolean ready = m.state() == RouterState.MASTER || (m.state() == RouterState.BACKUP && m.wantMaster);
            if (!ready) {
                return;
            }
        }
        for (VrrpRouter m : members) {
            if (m.state() == RouterState.BACKUP) {
                m.becomeMaster(m == trigger ? TransitionReason.MASTER_DOWN : TransitionReason.SYNC_GROUP);
            }
        }
    }

    void memberSteppedDown(VrrpRouter trigger) {
        for (VrrpRouter m : members) {
            if (m != trigger && m.state() == RouterState.MASTER) {
                m.stepDown(TransitionReason.SYNC_GROUP);
            }
        }
    }

    void memberFault(VrrpRouter trigger) {
        for (VrrpRouter m : members) {
            if (m.state() == RouterState.BACKUP || m.state() == RouterState.MASTER) {
                m.enterFault(m == trigger ? TransitionReason.FAULT : TransitionReason.SYNC_GROUP);
            }
        }
    }

    void memberRecovered(VrrpRouter trigger) {
        if (anyFault()) {
            return;
        }
        for (VrrpRouter m : members) {
            if (m.state() == RouterState.FAULT) {
                m.leaveFault(m == trigger ? TransitionReason.FAULT_CLEARED : TransitionReason.SYNC_GROUP);
            }
        }
    }

    @Override
    public String toString() {
        return "SyncGroup[" + name + " " + members + "]";
    }
}
