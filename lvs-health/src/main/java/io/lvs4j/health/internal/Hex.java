package io.lvs4j.health.internal;

/** Hex strings of bytes, lower case. */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {}

    public static String encode(byte[] b) {
        char[] c = new char[b.length * 2];
        for (int i = 0; i < b.length; i++) {
            c[2 * i] = DIGITS[(b[i] >> 4) & 0xF];
            c[2 * i + 1] = DIGITS[b[i] & 0xF];
        }
        return new String(c);
    }

    /** Decodes an even-length hex string (either case); returns null when it is not one. */
    public static byte[] decode(String s) {
        if (s == null || (s.length() & 1) != 0) {
            return null;
        }
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            b[i] = (byte) (hi << 4 | lo);
        }
        return b;
    }
}
