package io.lvs4j.director.config.internal;

import io.lvs4j.internal.Preconditions;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/** Reads argument values, reporting each bad one where it is and returning {@code null}. */
final class Values {
    private final Problems problems;

    Values(Problems problems) {
        this.problems = problems;
    }

    /** Whether the statement has an argument at {@code i}; reports it missing if not. */
    boolean has(Node n, int i, String expected) {
        if (n.args().size() > i) {
            return true;
        }
        problems.error(n.keyword(), n.name() + ": missing value (expected: " + expected + ")");
        return false;
    }

    Long integer(Node n, int i, long min, long max) {
        String expected = min + ".." + max;
        if (!has(n, i, expected)) {
            return null;
        }
        return integer(n.keyword(), n.arg(i), min, max);
    }

    Long integer(Token keyword, Token v, long min, long max) {
        Long r = parseLong(v.text());
        if (r == null || r < min || r > max) {
            problems.invalid(keyword, v, min + ".." + max);
            return null;
        }
        return r;
    }

    Integer int32(Node n, int i, long min, long max) {
        Long r = integer(n, i, min, max);
        return r == null ? null : (int) (long) r;
    }

    static Long parseLong(String s) {
        if (s.isEmpty() || s.length() > 19) {
            return null;
        }
        int start = s.charAt(0) == '-' || s.charAt(0) == '+' ? 1 : 0;
        if (start == s.length()) {
            return null;
        }
        for (int k = start; k < s.length(); k++) {
            if (!Character.isDigit(s.charAt(k)) || s.charAt(k) > '9') {
                return null;
            }
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A keepalived TIMER: seconds with up to 6 decimals, within [minMicros, maxMicros]. */
    Duration timer(Node n, int i, long minMicros, long maxMicros) {
        String expected = "seconds " + seconds(minMicros) + ".." + seconds(maxMicros);
        if (!has(n, i, expected)) {
            return null;
        }
        Token v = n.arg(i);
        Long micros = parseMicros(v.text());
        if (micros == null || micros < minMicros || micros > maxMicros) {
            problems.invalid(n.keyword(), v, expected);
            return null;
        }
        return Duration.ofNanos(micros * 1000);
    }

    private static String seconds(long micros) {
        return java.math.BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
    }

    static Long parseMicros(String s) {
        int dot = s.indexOf('.');
        String whole = dot < 0 ? s : s.substring(0, dot);
        String frac = dot < 0 ? "" : s.substring(dot + 1);
        if (whole.isEmpty() && frac.isEmpty() || frac.length() > 6 || whole.length() > 12) {
            return null;
        }
        for (char c : (whole + frac).toCharArray()) {
            if (c < '0' || c > '9') {
                return null;
            }
        }
        long w = whole.isEmpty() ? 0 : Long.parseLong(whole);
        long f = frac.isEmpty() ? 0 : Long.parseLong((frac + "000000").substring(0, 6));
        return w * 1_000_000 + f;
    }

    /** An optional BOOL: absent means true. */
    Boolean bool(Node n, int i) {
        if (n.args().size() <= i) {
            return Boolean.TRUE;
        }
        Token v = n.arg(i);
        switch (v.text()) {
            case "on": case "true": case "yes":
                return Boolean.TRUE;
            case "off": case "false": case "no":
                return Boolean.FALSE;
            default:
                problems.invalid(n.keyword(), v, "one of on, off, true, false, yes, no");
                return null;
        }
    }

    InetAddress address(Node n, int i) {
        if (!has(n, i, "an IP address")) {
            return null;
        }
        return address(n.keyword(), n.arg(i));
    }

    InetAddress address(Token keyword, Token v) {
        InetAddress a = parseAddress(v.text());
        if (a == null) {
            problems.invalid(keyword, v, "an IP address");
        }
        return a;
    }

    /** A numeric IPv4 or IPv6 literal (no host name look-ups), or null. */
    static InetAddress parseAddress(String s) {
        if (s.isEmpty() || s.length() > 45) {
            return null;
        }
        if (s.indexOf(':') >= 0) {
            for (char c : s.toCharArray()) {
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return null;
                }
            }
            try {
                return InetAddress.getByName(s);
            } catch (UnknownHostException | RuntimeException e) {
                return null;
            }
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int k = 0; k < 4; k++) {
            Long v = parts[k].isEmpty() || parts[k].length() > 3 ? null : parseLong(parts[k]);
            if (v == null || v < 0 || v > 255 || parts[k].charAt(0) == '+' || parts[k].charAt(0) == '-') {
                return null;
            }
            b[k] = (byte) (long) v;
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static boolean isV4(InetAddress a) {
        return a instanceof Inet4Address;
    }

    String oneOf(Node n, int i, List<String> choices) {
        String expected = Preconditions.oneOf(choices);
        if (!has(n, i, expected)) {
            return null;
        }
        Token v = n.arg(i);
        if (!choices.contains(v.text())) {
            problems.invalid(n.keyword(), v, expected);
            return null;
        }
        return v.text();
    }

    /** A port 1..65535 (0 or absent: none), as keepalived reads ports after addresses. */
    Integer port(Node n, int i) {
        if (n.args().size() <= i) {
            return 0;
        }
        Long p = integer(n.keyword(), n.arg(i), 0, 65535);
        return p == null ? null : (int) (long) p;
    }

    String string(Node n, int i, String expected) {
        return has(n, i, expected) ? n.arg(i).text() : null;
    }
}
