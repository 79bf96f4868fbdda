package io.lvs4j.netlink.internal;

/** Commands and attribute numbers of the IPVS generic netlink family ({@code linux/ip_vs.h}). */
public final class IpvsProto {
    private IpvsProto() {}

    public static final String FAMILY = "IPVS";
    public static final int VERSION = 1;

    public static final int CMD_NEW_SERVICE = 1;
    public static final int CMD_SET_SERVICE = 2;
    public static final int CMD_DEL_SERVICE = 3;
    public static final int CMD_GET_SERVICE = 4;
    public static final int CMD_NEW_DEST = 5;
    public static final int CMD_SET_DEST = 6;
    public static final int CMD_DEL_DEST = 7;
    public static final int CMD_GET_DEST = 8;
    public static final int CMD_NEW_DAEMON = 9;
    public static final int CMD_DEL_DAEMON = 10;
    public static final int CMD_GET_DAEMON = 11;
    public static final int CMD_SET_CONFIG = 12;
    public static final int CMD_GET_CONFIG = 13;
    public static final int CMD_SET_INFO = 14;
    public static final int CMD_GET_INFO = 15;
    public static final int CMD_ZERO = 16;
    public static final int CMD_FLUSH = 17;

    private static final String[] CMD_NAMES = {"IPVS_CMD_UNSPEC", "IPVS_CMD_NEW_SERVICE",
        "IPVS_CMD_SET_SERVICE", "IPVS_CMD_DEL_SERVICE", "IPVS_CMD_GET_SERVICE", "IPVS_CMD_NEW_DEST",
        "IPVS_CMD_SET_DEST", "IPVS_CMD_DEL_DEST", "IPVS_CMD_GET_DEST", "IPVS_CMD_NEW_DAEMON",
        "IPVS_CMD_DEL_DAEMON", "IPVS_CMD_GET_DAEMON", "IPVS_CMD_SET_CONFIG", "IPVS_CMD_GET_CONFIG",
        "IPVS_CMD_SET_INFO", "IPVS_CMD_GET_INFO", "IPVS_CMD_ZERO", "IPVS_CMD_FLUSH"};

    /** {@code IPVS_CMD_NEW_SERVICE} for 1, and so on. */
    public static String commandName(int cmd) {
        return cmd >= 0 && cmd < CMD_NAMES.length ? CMD_NAMES[cmd] : "IPVS command " + cmd;
    }

    public static final int CMD_ATTR_SERVICE = 1;
    public static final int CMD_ATTR_DEST = 2;
    public static final int CMD_ATTR_DAEMON = 3;
    public static final int CMD_ATTR_TIMEOUT_TCP = 4;
    public static final int CMD_ATTR_TIMEOUT_TCP_FIN = 5;
    public static final int CMD_ATTR_TIMEOUT_UDP = 6;
    public static final int CMD_ATTR_MAX = 6;
    static final String[] CMD_ATTR_NAMES = {null, "IPVS_CMD_ATTR_SERVICE", "IPVS_CMD_ATTR_DEST",
        "IPVS_CMD_ATTR_DAEMON", "IPVS_CMD_ATTR_TIMEOUT_TCP", "IPVS_CMD_ATTR_TIMEOUT_TCP_FIN",
        "IPVS_CMD_ATTR_TIMEOUT_UDP"};

    public static final int SVC_ATTR_AF = 1;
    public static final int SVC_ATTR_PROTOCOL = 2;
    public static final int SVC_ATTR_ADDR = 3;
    public static final int SVC_ATTR_PORT = 4;
    public static final int SVC_ATTR_FWMARK = 5;
    public static final int SVC_ATTR_SCHED_NAME = 6;
    public static final int SVC_ATTR_FLAGS = 7;
    public static final int SVC_ATTR_TIMEOUT = 8;
    public static final int SVC_ATTR_NETMASK = 9;
    public static final int SVC_ATTR_STATS = 10;
    public static final int SVC_ATTR_PE_NAME = 11;
    public static final int SVC_ATTR_STATS64 = 12;
    public static final int SVC_ATTR_MAX = 12;
    static final String[] SVC_ATTR_NAMES = {null, "IPVS_SVC_ATTR_AF", "IPVS_SVC_ATTR_PROTOCOL",
        "IPVS_SVC_ATTR_ADDR", "IPVS_SVC_ATTR_PORT", "IPVS_SVC_ATTR_FWMARK", "IPVS_SVC_ATTR_SCHED_NAME",
        "IPVS_SVC_ATTR_FLAGS", "IPVS_SVC_ATTR_TIMEOUT", "IPVS_SVC_ATTR_NETMASK", "IPVS_SVC_ATTR_STATS",
        "IPVS_SVC_ATTR_PE_NAME", "IPVS_SVC_ATTR_STATS64"};

    public static final int DEST_ATTR_ADDR = 1;
    public static final int DEST_ATTR_PORT = 2;
    public static final int DEST_ATTR_FWD_METHOD = 3;
    public static final int DEST_ATTR_WEIGHT = 4;
    public static final int DEST_ATTR_U_THRESH = 5;
    public static final int DEST_ATTR_L_THRESH = 6;
    public static final int DEST_ATTR_ACTIVE_CONNS = 7;
    public static final int DEST_ATTR_INACT_CONNS = 8;
    public static final int DEST_ATTR_PERSIST_CONNS = 9;
    public static final int DEST_ATTR_STATS = 10;
    public static final int DEST_ATTR_ADDR_FAMILY = 11;
    public static final int DEST_ATTR_STATS64 = 12;
    public static final int DEST_ATTR_TUN_TYPE = 13;
    public static final int DEST_ATTR_TUN_PORT = 14;
    public static final int DEST_ATTR_TUN_FLAGS = 15;
    public static final int DEST_ATTR_MAX = 15;
    static final String[] DEST_ATTR_NAMES = {null, "IPVS_DEST_ATTR_ADDR", "IPVS_DEST_ATTR_PORT",
        "IPVS_DEST_ATTR_FWD_METHOD", "IPVS_DEST_ATTR_WEIGHT", "IPVS_DEST_ATTR_U_THRESH",
        "IPVS_DEST_ATTR_L_THRESH", "IPVS_DEST_ATTR_ACTIVE_CONNS", "IPVS_DEST_ATTR_INACT_CONNS",
        "IPVS_DEST_ATTR_PERSIST_CONNS", "IPVS_DEST_ATTR_STATS", "IPVS_DEST_ATTR_ADDR_FAMILY",
        "IPVS_DEST_ATTR_STATS64", "IPVS_DEST_ATTR_TUN_TYPE", "IPVS_DEST_ATTR_TUN_PORT",
        "IPVS_DEST_ATTR_TUN_FLAGS"};

    public static final int DAEMON_ATTR_STATE = 1;
    public static final int DAEMON_ATTR_MCAST_IFN = 2;
    public static final int DAEMON_ATTR_SYNC_ID = 3;
    public static final int DAEMON_ATTR_SYNC_MAXLEN = 4;
    public static final int DAEMON_ATTR_MCAST_GROUP = 5;
    public static final int DAEMON_ATTR_MCAST_GROUP6 = 6;
    public static final int DAEMON_ATTR_MCAST_PORT = 7;
    public static final int DAEMON_ATTR_MCAST_TTL = 8;
    public static final int DAEMON_ATTR_MAX = 8;
    static final String[] DAEMON_ATTR_NAMES = {null, "IPVS_DAEMON_ATTR_STATE",
        "IPVS_DAEMON_ATTR_MCAST_IFN", "IPVS_DAEMON_ATTR_SYNC_ID", "IPVS_DAEMON_ATTR_SYNC_MAXLEN",
        "IPVS_DAEMON_ATTR_MCAST_GROUP", "IPVS_DAEMON_ATTR_MCAST_GROUP6", "IPVS_DAEMON_ATTR_MCAST_PORT",
        "IPVS_DAEMON_ATTR_MCAST_TTL"};

    public static final int STATS_ATTR_CONNS = 1;
    public static final int STATS_ATTR_INPKTS = 2;
    public static final int STATS_ATTR_OUTPKTS = 3;
    public static final int STATS_ATTR_INBYTES = 4;
    public static final int STATS_ATTR_OUTBYTES = 5;
    public static final int STATS_ATTR_CPS = 6;
    public static final int STATS_ATTR_INPPS = 7;
    public static final int STATS_ATTR_OUTPPS = 8;
    public static final int STATS_ATTR_INBPS = 9;
    public static final int STATS_ATTR_OUTBPS = 10;
    public static final int STATS_ATTR_PAD = 11;
    public static final int STATS_ATTR_MAX = 11;
    static final String[] STATS_ATTR_NAMES = {null, "IPVS_STATS_ATTR_CONNS", "IPVS_STATS_ATTR_INPKTS",
        "IPVS_STATS_ATTR_OUTPKTS", "IPVS_STATS_ATTR_INBYTES", "IPVS_STATS_ATTR_OUTBYTES",
        "IPVS_STATS_ATTR_CPS", "IPVS_STATS_ATTR_INPPS", "IPVS_STATS_ATTR_OUTPPS", "IPVS_STATS_ATTR_INBPS",
        "IPVS_STATS_ATTR_OUTBPS", "IPVS_STATS_ATTR_PAD"};

    public static final int INFO_ATTR_VERSION = 1;
    public static final int INFO_ATTR_CONN_TAB_SIZE = 2;
    public static final int INFO_ATTR_MAX = 2;
    static final String[] INFO_ATTR_NAMES = {null, "IPVS_INFO_ATTR_VERSION", "IPVS_INFO_ATTR_CONN_TAB_SIZE"};

    public static final int SVC_F_PERSISTENT = 0x0001;
    public static final int SVC_F_HASHED = 0x0002;
    public static final int SVC_F_ONEPACKET = 0x0004;

    public static final int STATE_MASTER = 1;
    public static final int STATE_BACKUP = 2;
}
