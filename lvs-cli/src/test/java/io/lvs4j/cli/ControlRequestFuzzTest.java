package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The control socket's decoding, fed arbitrary bytes. Requests: the bytes arrive in chunks of
 * arbitrary sizes (byte 0 picks them) into the {@link Control#MAX_REQUEST}-byte buffer; the
 * request is the bytes before the first newline within that buffer, or all of them once it is
 * full or the client ends, never more; a request classified as reading ({@code status ...}) is
 * one the handler can only answer with state, and {@code reload} in any padding is classified
 * as changing (so it needs a privileged peer). Answers ({@code lvs4j status}'s side): any bytes
 * give an exit status 0..255 and text, or an {@link IOException}, never another exception.
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class ControlRequestFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void request_anyBytesInAnyChunks_oneBoundedLineClassifiedSafely(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int chunk = 1 + (data[0] & 0xFF) % 97;
        byte[] sent = Arrays.copyOfRange(data, 1, data.length);
        byte[] buffer = new byte[Control.MAX_REQUEST];
        int length = 0;
        String request = null;
        for (int at = 0; request == null && at < sent.length && length < buffer.length; at += chunk) {
            int n = Math.min(Math.min(chunk, sent.length - at), buffer.length - length);
            System.arraycopy(sent, at, buffer, length, n);
            length += n;
            request = Control.line(buffer, length, false);
        }
        if (request == null) {
            request = Control.line(buffer, length, true);
        }

        int window = Math.min(sent.length, Control.MAX_REQUEST);
        int newline = -1;
        for (int i = 0; i < window && newline < 0; i++) {
            newline = sent[i] == '\n' ? i : -1;
        }
        String expected = new String(sent, 0, newline >= 0 ? newline : window, StandardCharsets.UTF_8);
        assertThat(request).isEqualTo(expected);
        String r = request.trim();
        if (!Control.changes(r)) {
            assertThat(r.equals("status") || r.startsWith("status ")).as(r).isTrue();
        }
        if (r.equals("reload")) {
            assertThat(Control.changes(r)).isTrue();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void answer_anyBytes_statusOrIOException(byte[] data) {
        String s = new String(data, StandardCharsets.UTF_8);
        try {
            Control.Answer a = Control.answer(s, Path.of("/run/lvs4j/control"));
            assertThat(a.status()).isBetween(0, 255);
            assertThat(s).endsWith(a.text());
        } catch (IOException e) {
            assertThat(e.getMessage()).startsWith("/run/lvs4j/control: ");
        }
    }
}
