package io.lvs4j.health.internal;

import io.netty.buffer.ByteBuf;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Reads an HTTP response as keepalived's HTTP_GET and genhash do: the header ends at the first
 * CRLF CRLF; the status code is the three digits after the first space of the status line; the
 * body is every byte after the header, up to {@code Content-Length} when the header has one (raw
 * bytes: a chunked body is digested with its chunk framing, as genhash does); its MD5 is computed
 * as it streams. At most {@code maxBytes} bytes (header and body) are accepted; the first
 * {@code keepBody} body bytes are kept for a regex.
 *
 * <p>Not thread-safe; one per response.
 */
public final class HttpResponseReader {
    /** Reading state after {@link #feed}. */
    public enum State {
        /** More bytes are wanted. */
        READING,
        /** The body reached its Content-Length. */
        COMPLETE,
        /** More than maxBytes arrived. */
        TOO_LARGE,
        /** The header is not HTTP (no status code). */
        BAD_HEADER
    }

    private static final int MAX_HEADER = 16 * 1024;

    private final int maxBytes;
    private final MessageDigest md5;
    private final byte[] header;
    private int headerLength;
    private boolean headerDone;
    private int status;
    private long contentLength = -1;
    private long bodyBytes;
    private long totalBytes;
    private final byte[] body;
    private int bodyKept;
    private State state = State.READING;

    public HttpResponseReader(int maxBytes, int keepBody) {
        if (maxBytes < 1 || keepBody < 0 || keepBody > maxBytes) {
            throw new IllegalArgumentException(io.lvs4j.internal.Preconditions.message(
                    "maxBytes", maxBytes + "/" + keepBody, "1.., keepBody 0..maxBytes"));
        }
        this.maxBytes = maxBytes;
        this.header = new byte[Math.min(MAX_HEADER, maxBytes)];
        this.body = new byte[keepBody];
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }

    public State feed(ByteBuf buf) {
        int n = buf.readableBytes();
        byte[] a = new byte[n];
        buf.getBytes(buf.readerIndex(), a);
        return feed(a, 0, n);
    }

    public State feed(byte[] data, int off, int len) {
        if (state != State.READING) {
            return state;
        }
        int i = off;
        int end = off + len;
        while (!headerDone && i < end) {
            if (headerLength == header.length) {
                return state = totalBytes + (i - off) >= maxBytes ? State.TOO_LARGE : State.BAD_HEADER;
            }
            header[headerLength++] = data[i++];
            if (headerLength >= 4 && header[headerLength - 4] == '\r' && header[headerLength - 3] == '\n'
                    && header[headerLength - 2] == '\r' && header[headerLength - 1] == '\n') {
                headerDone = true;
                status = statusCode(header, headerLength);
                contentLength = contentLength(header, headerLength);
                if (status == 0) {
                    return state = State.BAD_HEADER;
                }
            }
        }
        totalBytes += i - off;
        if (totalBytes > maxBytes) {
            return state = State.TOO_LARGE;
        }
        if (i < end) {
            int n = end - i;
            if (contentLength >= 0) {
                n = (int) Math.min(n, contentLength - bodyBytes);
            }
            if (totalBytes + n > maxBytes) {
                return state = State.TOO_LARGE;
            }
            md5.update(data, i, n);
            int keep = Math.min(n, body.length - bodyKept);
            System.arraycopy(data, i, body, bodyKept, keep);
            bodyKept += keep;
            bodyBytes += n;
            totalBytes += n;
        }
        if (headerDone && contentLength >= 0 && bodyBytes >= contentLength) {
            state = State.COMPLETE;
        }
        return state;
    }

    public State state() {
        return state;
    }

    /** Whether the header end (CRLF CRLF) was seen. */
    public boolean headerComplete() {
        return headerDone;
    }

    /** The status code, 0 when the header is incomplete or has none. */
    public int status() {
        return status;
    }

    /** The Content-Length, or -1. */
    public long contentLength() {
        return contentLength;
    }

    public long bodyBytes() {
        return bodyBytes;
    }

    /** The header bytes received so far, as text (ISO-8859-1). */
    public String headerText() {
        return new String(header, 0, headerLength, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** The kept body bytes as ISO-8859-1 text (one char per byte, so offsets are byte offsets). */
    public String keptBody() {
        return new String(body, 0, bodyKept, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** The MD5 of the body as lower-case hex; call once, at the end. */
    public String md5Hex() {
        return Hex.encode(md5.digest());
    }

    /** keepalived's status parse: after the first space, exactly three digits then a space; else 0. */
    static int statusCode(byte[] h, int len) {
        int i = 0;
        while (i < len && h[i] != ' ' && h[i] != '\r') {
            i++;
        }
        if (i >= len || h[i] != ' ') {
            return 0;
        }
        i++;
        if (i + 3 >= len || h[i + 3] != ' ') {
            return 0;
        }
        int code = 0;
        for (int k = 0; k < 3; k++) {
            byte c = h[i + k];
            if (c < '0' || c > '9') {
                return 0;
            }
            code = code * 10 + (c - '0');
        }
        return code;
    }

    /** The value of the first {@code Content-Length:} header line (case-insensitive), or -1. */
    static long contentLength(byte[] h, int len) {
        String text = new String(h, 0, len, java.nio.charset.StandardCharsets.ISO_8859_1);
        int lineStart = 0;
        while (lineStart < text.length()) {
            int eol = text.indexOf("\r\n", lineStart);
            if (eol < 0) {
                eol = text.length();
            }
            String line = text.substring(lineStart, eol);
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                String v = line.substring(15).trim();
                if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(Character::isDigit)) {
                    return -1;
                }
                return Long.parseLong(v);
            }
            lineStart = eol + 2;
        }
        return -1;
    }
}
