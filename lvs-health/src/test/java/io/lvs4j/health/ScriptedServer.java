package io.lvs4j.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback TCP server for answers nginx cannot give: it reads the request head, then runs the
 * script for each connection on its own thread (tests only). Closed by {@link #close}.
 */
final class ScriptedServer implements AutoCloseable {
    interface Script {
        void answer(InputStream in, OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> sockets = new ArrayList<>();

    ScriptedServer(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    synchronized (sockets) {
                        sockets.add(s);
                    }
                    Thread t = new Thread(() -> {
                        try (s) {
                            script.answer(s.getInputStream(), s.getOutputStream());
                        } catch (IOException | InterruptedException e) {
                            // the client went away or the server closed
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Reads until the blank line ending an HTTP request head (bounded at 64 KiB). */
    static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while (b.length() < 65536 && (c = in.read()) >= 0) {
            b.append((char) c);
            if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
        acceptor.join(2000);
    }
}
