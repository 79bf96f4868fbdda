package io.lvs4j.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * {@code --http} and {@code lvs4j_http}: {@code PORT} (loopback, 127.0.0.1), {@code ADDR:PORT}
 * or {@code [V6ADDR]:PORT}, with a numeric address only (no name to resolve). An address other
 * than loopback is served only because it was written out.
 */
final class HttpAddress {
    private HttpAddress() {}

    private static String quoted(String s) {
        return "\"" + s + "\"";
    }

    /** The socket address, or an IllegalArgumentException whose message says what was expected. */
    static InetSocketAddress parse(String text) {
        String expected = "(expected: PORT, ADDR:PORT or [V6ADDR]:PORT, a numeric address, port 1..65535)";
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("\"\" " + expected);
        }
        String host;
        String port;
        if (text.startsWith("[")) {
            int end = text.indexOf("]:");
            if (end < 0) {
                throw new IllegalArgumentException(quoted(text) + " " + expected);
            }
            host = text.substring(1, end);
            port = text.substring(end + 2);
        } else if (text.indexOf(':') != text.lastIndexOf(':')) {
            throw new IllegalArgumentException(quoted(text) + " " + expected + "; an IPv6 address goes in brackets");
        } else if (text.contains(":")) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        } else {
            host = "127.0.0.1";
            port = text;
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(quoted(text) + " " + expected);
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException(quoted(text) + " " + expected);
        }
        boolean v4 = host.matches("((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])");
        boolean v6 = text.startsWith("[") && host.contains(":") && host.matches("[0-9a-fA-F:.]+");
        if (!v4 && !v6) {
            throw new IllegalArgumentException(quoted(text) + " " + expected);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), p); // numeric: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(quoted(text) + " " + expected);
        }
    }
}
