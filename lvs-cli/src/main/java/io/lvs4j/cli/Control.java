package io.lvs4j.cli;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The control socket of {@code lvs4j run}: a unix domain socket that {@code lvs4j status} and
 * {@code lvs4j reload} talk to. A request is one line ({@code status}, {@code status json},
 * {@code reload}); the answer is the exit status on the first line, then the text, then the
 * socket closes.
 */
final class Control implements AutoCloseable {
    static final String DIRECTORY = "/run/lvs4j";

    /** What a request gets: an exit status and text. */
    record Answer(int status, String text) {}

    private final Path path;
    private final ServerSocketChannel server;
    private final Thread thread;

    private Control(Path path, ServerSocketChannel server, Function<String, Answer> handler) {
        this.path = path;
        this.server = server;
        this.thread = new Thread(() -> serve(handler), "lvs4j-control");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** {@code /run/lvs4j/lvs4j.sock}, or {@code /run/lvs4j/NETNS.sock} for a director in a namespace. */
    static Path defaultPath(String netns) {
        return Path.of(DIRECTORY, (netns == null ? "lvs4j" : netns) + ".sock");
    }

    /**
     * Listens at {@code path}; a stale socket file (nobody answers) is replaced.
     *
     * @throws IOException if another director answers there, or the socket cannot be made
     */
    static Control listen(Path path, Function<String, Answer> handler) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        if (Files.exists(path)) {
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                throw new IOException(path + ": another lvs4j run answers there (use --control PATH)");
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().contains("another lvs4j run")) {
                    throw e;
                }
                Files.deleteIfExists(path); // stale
            }
        }
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(path));
        return new Control(path, s, handler);
    }

    private void serve(Function<String, Answer> handler) {
        while (server.isOpen()) {
            try (SocketChannel c = server.accept()) {
                String request = readLine(c);
                Answer a;
                try {
                    a = handler.apply(request.trim());
                } catch (RuntimeException e) {
                    a = new Answer(Main.FAILED, "internal error: " + e + "\n");
                }
                c.write(StandardCharsets.UTF_8.encode(a.status() + "\n" + a.text()));
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
            }
        }
    }

    private static String readLine(SocketChannel c) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(256);
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                break;
            }
            for (int i = 0; i < b.position(); i++) {
                if (b.get(i) == '\n') {
                    return new String(b.array(), 0, i, StandardCharsets.UTF_8);
                }
            }
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    /** Sends one request to the director at {@code path}. */
    static Answer ask(Path path, String request) throws IOException {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            c.write(StandardCharsets.UTF_8.encode(request + "\n"));
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            while (c.read(b) >= 0) {
                b.flip();
                all.write(b.array(), 0, b.limit());
                b.clear();
            }
            String s = all.toString(StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            if (nl < 0) {
                throw new IOException(path + ": no answer");
            }
            return new Answer(Integer.parseInt(s.substring(0, nl).trim()), s.substring(nl + 1));
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // left behind: the next run replaces it
        }
    }
}
