package io.lvs4j.health.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpResponseReaderTest {
    // MD5 test suite of RFC 1321, appendix A.5
    static final String MD5_EMPTY = "d41d8cd98f00b204e9800998ecf8427e";
    static final String MD5_ABC = "900150983cd24fb0d6963f7d28e17f72";
    static final String MD5_MESSAGE_DIGEST = "f96b697d7cb7938d525a2f31aaf161d0";

    static HttpResponseReader.State feed(HttpResponseReader r, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return r.feed(b, 0, b.length);
    }

    @Test
    void feed_contentLength_digestOfBodyOnlyUpToLength() {
        HttpResponseReader r = new HttpResponseReader(4096, 0);
        assertThat(feed(r, "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabcEXTRA"))
                .isEqualTo(HttpResponseReader.State.COMPLETE);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.md5Hex()).isEqualTo(MD5_ABC);
    }

    @Test
    void feed_byteByByteWithoutLength_digestOfEverythingAfterHeader() {
        HttpResponseReader r = new HttpResponseReader(4096, 64);
        String all = "HTTP/1.1 503 Service Unavailable\r\nServer: x\r\n\r\nmessage digest";
        for (int i = 0; i < all.length(); i++) {
            assertThat(feed(r, all.substring(i, i + 1))).isEqualTo(HttpResponseReader.State.READING);
        }
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.keptBody()).isEqualTo("message digest");
        assertThat(r.md5Hex()).isEqualTo(MD5_MESSAGE_DIGEST);
    }

    @Test
    void feed_emptyBody_md5OfNothing() {
        HttpResponseReader r = new HttpResponseReader(4096, 0);
        assertThat(feed(r, "HTTP/1.0 204 No Content\r\ncontent-length: 0\r\n\r\n"))
                .isEqualTo(HttpResponseReader.State.COMPLETE);
        assertThat(r.md5Hex()).isEqualTo(MD5_EMPTY);
    }

    @Test
    void feed_chunkedBody_digestIncludesFraming() {
        HttpResponseReader r = new HttpResponseReader(4096, 64);
        feed(r, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        assertThat(r.keptBody()).isEqualTo("3\r\nabc\r\n0\r\n\r\n");
        assertThat(r.md5Hex()).isNotEqualTo(MD5_ABC);
    }

    @Test
    void statusCode_keepalivedRules() {
        assertThat(status("HTTP/1.0 200 OK\r\n\r\n")).isEqualTo(200);
        assertThat(status("HTTP/1.0 200\r\n\r\n")).isZero(); // no space after the code
        assertThat(status("HTTP/1.0 2000 OK\r\n\r\n")).isZero();
        assertThat(status("HTTP/1.0 2x0 OK\r\n\r\n")).isZero();
        assertThat(status("HTTP/1.0\r\n\r\n")).isZero();
        assertThat(status("garbage\r\n\r\n")).isZero();
    }

    static int status(String head) {
        byte[] b = head.getBytes(StandardCharsets.ISO_8859_1);
        return HttpResponseReader.statusCode(b, b.length);
    }

    @Test
    void feed_noStatus_badHeader() {
        HttpResponseReader r = new HttpResponseReader(4096, 0);
        assertThat(feed(r, "SSH-2.0-x\r\n\r\n")).isEqualTo(HttpResponseReader.State.BAD_HEADER);
    }

    @Test
    void feed_beyondMaxBytes_tooLarge() {
        HttpResponseReader r = new HttpResponseReader(1024, 0);
        assertThat(feed(r, "HTTP/1.0 200 OK\r\n\r\n")).isEqualTo(HttpResponseReader.State.READING);
        assertThat(feed(r, "x".repeat(1000))).isEqualTo(HttpResponseReader.State.READING);
        assertThat(feed(r, "x".repeat(100))).isEqualTo(HttpResponseReader.State.TOO_LARGE);
    }

    @Test
    void feed_endlessHeader_tooLargeOrBad() {
        HttpResponseReader r = new HttpResponseReader(1024, 0);
        assertThat(feed(r, "HTTP/1.0 200 OK\r\n" + "X: y\r\n".repeat(300))).isEqualTo(HttpResponseReader.State.TOO_LARGE);
    }

    @Test
    void contentLength_invalidValue_ignored() {
        byte[] b = "HTTP/1.0 200 OK\r\nContent-Length: 12x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(HttpResponseReader.contentLength(b, b.length)).isEqualTo(-1);
    }

    @Test
    void constructor_keepBodyBeyondMax_rejected() {
        assertThatThrownBy(() -> new HttpResponseReader(10, 11)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBytes: \"10/11\"");
    }

    @Test
    void hex_roundTrip() {
        assertThat(Hex.encode(Hex.decode("00ff10Ab"))).isEqualTo("00ff10ab");
        assertThat(Hex.decode("0g")).isNull();
        assertThat(Hex.decode("abc")).isNull();
    }
}
