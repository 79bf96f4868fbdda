package io.lvs4j.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses and formats IP address literals without ever resolving a host name.
 *
 * <p>Formatting follows glibc's {@code inet_ntop}, which is what ipvsadm prints: IPv6 in lower
 * case with the longest run of two or more zero groups compressed (the first run on a tie), and
 * IPv4-mapped and IPv4-compatible addresses with a dotted-quad tail.
 */
public final class Addresses {
    private Addresses() {}

    private static final String EXPECTED = "an IPv4 or IPv6 address literal";

    /** Parses an IPv4 or IPv6 literal; IPv6 may be in brackets. Never does DNS. */
    public static InetAddress parse(String text, String name) {
        Preconditions.checkNotNull(text, name);
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        byte[] bytes = s.indexOf(':') >= 0 ? parse6(s) : parse4(s);
        if (bytes == null) {
            throw Preconditions.invalid(name, text, EXPECTED);
        }
        return of(bytes);
    }

    /** Parses an IPv4 literal only. */
    public static Inet4Address parse4(String text, String name) {
        Preconditions.checkNotNull(text, name);
        byte[] b = parse4(text.trim());
        if (b == null) {
            throw Preconditions.invalid(name, text, "an IPv4 address literal");
        }
        return (Inet4Address) of(b);
    }

    /** An address object for 4 or 16 bytes; 16 bytes always give an {@link Inet6Address}. */
    public static InetAddress of(byte[] bytes) {
        try {
            if (bytes.length == 16) {
                return Inet6Address.getByAddress(null, bytes, -1);
            }
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw Preconditions.invalid("address length", bytes.length, "4 or 16");
        }
    }

    /** The IPv4 address for a 32-bit value in host order. */
    public static Inet4Address ofInt(int value) {
        return (Inet4Address) of(new byte[] {
            (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }

    /** The 32-bit value of an IPv4 address, in host order. */
    public static int toInt(Inet4Address a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    static byte[] parse4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int value = -1;
        int digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                if (value < 0 || part > 3) {
                    return null;
                }
                out[part++] = (byte) value;
                value = -1;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return null; // leading zeros are octal to inet_aton: refuse the ambiguity
                }
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                digits++;
                if (value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    static byte[] parse6(String s) {
        if (s.indexOf('%') >= 0 || s.length() < 2) {
            return null;
        }
        int[] groups = new int[8];
        int n = 0;
        int gap = -1;
        int i = 0;
        int len = s.length();
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (i == len) {
                return new byte[16];
            }
        } else if (s.charAt(0) == ':') {
            return null;
        }
        while (i < len) {
            int start = i;
            int v = 0;
            while (i < len && Character.digit(s.charAt(i), 16) >= 0 && i - start < 5) {
                v = v * 16 + Character.digit(s.charAt(i), 16);
                i++;
            }
            int digits = i - start;
            if (i < len && s.charAt(i) == '.') {
                // dotted-quad tail
                byte[] v4 = parse4(s.substring(start));
                if (v4 == null || n > 6) {
                    return null;
                }
                groups[n++] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
                groups[n++] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
                i = len;
                break;
            }
            if (digits == 0 || digits > 4 || n == 8) {
                return null;
            }
            groups[n++] = v;
            if (i == len) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < len && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = n;
                i++;
                if (i == len) {
                    break;
                }
            } else if (i == len) {
                return null;
            }
        }
        if (gap < 0 && n != 8 || gap >= 0 && n > 7) {
            return null;
        }
        byte[] out = new byte[16];
        int tail = gap < 0 ? 0 : n - gap;
        for (int g = 0; g < n; g++) {
            int pos = gap >= 0 && g >= gap ? 8 - tail + (g - gap) : g;
            out[2 * pos] = (byte) (groups[g] >>> 8);
            out[2 * pos + 1] = (byte) groups[g];
        }
        return out;
    }

    /** Formats an address as glibc's inet_ntop does. */
    public static String format(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (w[i] == 0) {
                int j = i;
                while (j < 8 && w[j] == 0) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append(':');
                i += bestLen - 1;
                if (i == 7) {
                    sb.append(':');
                }
                continue;
            }
            if (i > 0) {
                sb.append(':');
            }
            // IPv4-compatible (::a.b.c.d, not ::1/::) and IPv4-mapped (::ffff:a.b.c.d) tails
            if (i == 6 && bestStart == 0
                    && (bestLen == 6 || bestLen == 5 && w[5] == 0xffff)) {
                sb.append(b[12] & 0xff).append('.').append(b[13] & 0xff).append('.')
                        .append(b[14] & 0xff).append('.').append(b[15] & 0xff);
                break;
            }
            sb.append(Integer.toHexString(w[i]));
        }
        return sb.toString();
    }

    /** {@code a:port} for IPv4, {@code [a]:port} for IPv6, as ipvsadm prints endpoints. */
    public static String endpoint(InetAddress a, int port) {
        return a instanceof Inet6Address ? "[" + format(a) + "]:" + port : format(a) + ":" + port;
    }
}
