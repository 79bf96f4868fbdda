package io.lvs4j.health.internal;

/**
 * Reads SMTP replies (RFC 5321 4.2): lines of three digits, then {@code -} when more lines follow
 * or anything else (usually a space) on the last line, each ending with LF (CRLF in practice).
 */
public final class SmtpReply {
    /** {@link #lastLineCode}: the reply is not complete yet. */
    public static final int INCOMPLETE = -1;
    /** {@link #lastLineCode}: a line does not start with three digits. */
    public static final int NOT_SMTP = -2;

    private SmtpReply() {}

    /**
     * The code on the final line of the first complete reply in {@code text} (100..999 or 000..099
     * as sent), {@link #INCOMPLETE} when no final line has ended yet, {@link #NOT_SMTP} when a
     * complete line does not start with three ASCII digits.
     */
    public static int lastLineCode(CharSequence text) {
        int start = 0;
        int len = text.length();
        while (true) {
            int eol = indexOf(text, '\n', start, len);
            if (eol < 0) {
                return INCOMPLETE;
            }
            if (eol - start < 3 || !digit(text.charAt(start)) || !digit(text.charAt(start + 1))
                    || !digit(text.charAt(start + 2))) {
                return NOT_SMTP;
            }
            if (eol - start == 3 || text.charAt(start + 3) != '-') {
                return (text.charAt(start) - '0') * 100 + (text.charAt(start + 1) - '0') * 10
                        + (text.charAt(start + 2) - '0');
            }
            start = eol + 1;
        }
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int indexOf(CharSequence s, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }
}
