package io.lvs4j.conn;

/**
 * The kernel's protocol state transition tables as data: {@code tcp_states} of
 * {@code ip_vs_proto_tcp.c} (the default, not the secure_tcp one) and {@code sctp_states} of
 * {@code ip_vs_proto_sctp.c}. Rows are written with the kernel's two-letter state abbreviations so
 * they can be checked against the source by eye.
 */
final class StateTables {
    static final int DIR_INPUT = 0;
    static final int DIR_OUTPUT = 1;
    static final int DIR_INPUT_ONLY = 2;

    static final int TCP_SYN = 0;
    static final int TCP_FIN = 1;
    static final int TCP_ACK = 2;
    static final int TCP_RST = 3;

    private static final String TCP_NAMES = "NO ES SS SR FW TW CL CW LA LI SA";
    private static final String SCTP_NAMES = "NO I1 IN CS CR CW CO CE ES SS SR SA RJ CL";

    /** [direction][event][state] → next state; columns NO ES SS SR FW TW CL CW LA LI SA. */
    static final byte[][][] TCP = {
        table(TCP_NAMES,
            "SR ES ES SR SR SR SR SR SR SR SR", // syn
            "CL CW SS TW TW TW CL CW LA LI TW", // fin
            "CL ES SS ES FW TW CL CW CL LI ES", // ack
            "CL CL CL SR CL CL CL CL LA LI SR"), // rst
        table(TCP_NAMES,
            "SS ES SS SR SS SS SS SS SS LI SR",
            "TW FW SS TW FW TW CL TW LA LI TW",
            "ES ES SS ES FW TW CL CW LA ES ES",
            "CL CL SS CL CL TW CL CL CL CL CL"),
        table(TCP_NAMES,
            "SR ES ES SR SR SR SR SR SR SR SR",
            "CL FW SS TW FW TW CL CW LA LI TW",
            "CL ES SS ES FW TW CL CW CL LI ES",
            "CL CL CL SR CL CL CL CL LA LI CL"),
    };

    static final int SCTP_DATA = 0;
    static final int SCTP_INIT = 1;
    static final int SCTP_INIT_ACK = 2;
    static final int SCTP_COOKIE_ECHO = 3;
    static final int SCTP_COOKIE_ACK = 4;
    static final int SCTP_SHUTDOWN = 5;
    static final int SCTP_SHUTDOWN_ACK = 6;
    static final int SCTP_SHUTDOWN_COMPLETE = 7;
    static final int SCTP_ERROR = 8;
    static final int SCTP_ABORT = 9;

    /** [direction][event][state]; columns NO I1 IN CS CR CW CO CE ES SS SR SA RJ CL. */
    static final byte[][][] SCTP = {
        table(SCTP_NAMES,
            "ES I1 IN CS CR CW CO CE ES SS SR SA RJ CL", // data
            "I1 IN IN CS CR CW CO CE ES SS SR SA IN IN", // init
            "CW CW CW CS CR CO CO CE ES SS SR SA RJ CL", // init ack
            "CR IN IN CR CR CW CO CE ES SS SR SA RJ CL", // cookie echo
            "ES I1 IN CS CR CW CO ES ES SS SR SA RJ CL", // cookie ack
            "SR I1 IN CS CR CW CO CE SR SS SR SA RJ CL", // shutdown
            "CL IN IN CS CR CW CO CE ES CL SR CL RJ CL", // shutdown ack
            "CL CL CL CS CR CW CO CE ES SS SR CL RJ CL", // shutdown complete
            "CL I1 IN CS CR CW CO CL ES SS SR SA RJ CL", // error
            "CL CL CL CL CL RJ CL CL CL CL CL CL CL CL"), // abort
        table(SCTP_NAMES,
            "ES I1 IN CS CR CW CO CE ES SS SR SA RJ CL",
            "CW CW CW CW CW CW CW CW ES CW CW CW CW CW",
            "CS CS CS CS CR CW CO CE ES SS SR SA RJ CL",
            "CE CE CE CE CE CE CE CE ES SS SR SA RJ CL",
            "ES ES ES ES ES ES ES ES ES SS SR SA RJ CL",
            "SS SS SS SS SS SS SS SS SS SS SR SA RJ CL",
            "SA SA SA SA SA CW CO CE ES SA SA SA RJ CL",
            "CL I1 IN CS CR CW CO CE ES SS SR SA RJ CL",
            "CL CL CL CL CL CW CO CE ES SS SR SA RJ CL",
            "CL RJ CL CL CL CL CL CL CL CL CL CL CL CL"),
        table(SCTP_NAMES,
            "ES I1 IN CS CR ES CO CE ES SS SR SA RJ CL",
            "I1 IN IN IN IN IN CO CE ES SS SR SA IN IN",
            "CE CE CE CE CE CE CO CE ES SS SR SA RJ CL",
            "ES ES ES ES ES ES CO CE ES SS SR SA RJ CL",
            "ES I1 IN ES ES CW ES ES ES SS SR SA RJ CL",
            "SR I1 IN CS CR CW CO CE SR SS SR SA RJ CL",
            "CL IN IN CS CR CW CO CE CL CL SR CL RJ CL",
            "CL CL CL CL CL CW CO CE ES SS CL CL RJ CL",
            "CL I1 IN CS CR CW CO CE ES SS SR SA RJ CL",
            "CL CL CL CL CL RJ CL CL CL CL CL CL CL CL"),
    };

    /** SCTP chunk type → event (the kernel's {@code sctp_events}); unknown types count as data. */
    static int sctpEvent(int chunkType) {
        switch (chunkType) {
            case 1: return SCTP_INIT;
            case 2: return SCTP_INIT_ACK;
            case 6: return SCTP_ABORT;
            case 7: return SCTP_SHUTDOWN;
            case 8: return SCTP_SHUTDOWN_ACK;
            case 9: return SCTP_ERROR;
            case 10: return SCTP_COOKIE_ECHO;
            case 11: return SCTP_COOKIE_ACK;
            case 14: return SCTP_SHUTDOWN_COMPLETE;
            default: return SCTP_DATA;
        }
    }

    /** TCP flags byte → event, rst before syn before fin before ack; -1 for none of them. */
    static int tcpEvent(int flags) {
        if ((flags & 0x04) != 0) {
            return TCP_RST;
        }
        if ((flags & 0x02) != 0) {
            return TCP_SYN;
        }
        if ((flags & 0x01) != 0) {
            return TCP_FIN;
        }
        if ((flags & 0x10) != 0) {
            return TCP_ACK;
        }
        return -1;
    }

    private static byte[][] table(String names, String... rows) {
        String[] n = names.split(" ");
        byte[][] t = new byte[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            String[] cells = rows[r].split(" ");
            if (cells.length != n.length) {
                throw new AssertionError("row " + r + " has " + cells.length + " cells");
            }
            t[r] = new byte[cells.length];
            for (int c = 0; c < cells.length; c++) {
                int s = java.util.Arrays.asList(n).indexOf(cells[c]);
                if (s < 0) {
                    throw new AssertionError("unknown state " + cells[c]);
                }
                t[r][c] = (byte) s;
            }
        }
        return t;
    }

    private StateTables() {
    }
}
