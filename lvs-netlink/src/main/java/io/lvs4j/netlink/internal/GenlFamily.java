package io.lvs4j.netlink.internal;

import java.util.BitSet;

/** A generic netlink family as nlctrl describes it: id, version, top-level maxattr, commands. */
public record GenlFamily(String name, int id, int version, int maxAttr, BitSet commands) {
    public boolean supports(int cmd) {
        return commands.get(cmd);
    }
}
