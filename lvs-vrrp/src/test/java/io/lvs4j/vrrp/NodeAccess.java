package io.lvs4j.vrrp;

/** Package-private parts of {@link VrrpNode} for tests in other packages. */
public final class NodeAccess {
    private NodeAccess() {}

    /** {@link VrrpNode#abort()}: dies as kill -9 would. */
    public static void abort(VrrpNode node) {
        node.abort();
    }
}
