package io.lvs4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The control socket of {@code lvs4j run}: a unix domain socket that {@code lvs4j status} and
 * {@code lvs4j reload} talk to. A request is one line ({@code status}, {@code status json},
 * {@code reload}); the answer is the exit status on the first line, then the text, then the
 * socket closes.
 *
 * <p><b>Access.</b> The socket is {@code 0600} (the director's user only), or {@code 0660} with a
 * configured group, whatever the umask: it is bound in a private {@code 0700} directory, given its
 * mode and group there, and only then renamed into place. Its directory must not be writable by
 * others (else anyone could replace the socket). Reading requests ({@code status}) are answered
 * to whoever can connect; a changing request ({@code reload}) only to a peer whose credentials
 * ({@code SO_PEERCRED}) are root's or the director's own user.
 *
 * <p><b>No client can stall another.</b> One selector thread accepts and reads; a client has
 * {@link #REQUEST_TIMEOUT} to send its line and {@link #ANSWER_TIMEOUT} to take the answer, or it
 * is dropped. Reading requests and changing requests run on two separate workers, so a long
 * reload never holds up {@code status}.
 */
final class Control implements AutoCloseable {
    static final String DIRECTORY = "/run/lvs4j";
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);
    static final int MAX_REQUEST = 256;

    /** What a request gets: an exit status and text. */
    record Answer(int status, String text) {}

    private final Path path;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Function<String, Answer> handler;
    private final ExecutorService readers = worker("lvs4j-control-status");
    private final ExecutorService changers = worker("lvs4j-control-reload");
    private final String ownUser = System.getProperty("user.name");
    private final Thread thread;
    private volatile boolean closed;

    private Control(Path path, ServerSocketChannel server, Function<String, Answer> handler) throws IOException {
        this.path = path;
        this.server = server;
        this.handler = handler;
        this.selector = Selector.open();
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        this.thread = new Thread(this::serve, "lvs4j-control");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private static ExecutorService worker(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** {@code /run/lvs4j/lvs4j.sock}, or {@code /run/lvs4j/NETNS.sock} for a director in a namespace. */
    static Path defaultPath(String netns) {
        return Path.of(DIRECTORY, (netns == null ? "lvs4j" : netns) + ".sock");
    }

    /** Listens at {@code path}, owner only ({@code 0600}). */
    static Control listen(Path path, Function<String, Answer> handler) throws IOException {
        return listen(path, null, handler);
    }

    /**
     * Listens at {@code path}: mode {@code 0600}, or {@code 0660} owned by {@code group} when it is
     * not null. A stale socket file (nobody answers) is replaced.
     *
     * @throws IOException if another director answers there, the directory is writable by others,
     *     the group does not exist, or the socket cannot be made
     */
    static Control listen(Path path, String group, Function<String, Answer> handler) throws IOException {
        Path target = path.toAbsolutePath();
        Path dir = target.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            // createDirectories applies the umask: set the mode for certain
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Set<PosixFilePermission> dirMode = Files.getPosixFilePermissions(dir);
        boolean sticky = ((Integer) Files.getAttribute(dir, "unix:mode") & 01000) != 0;
        if (dirMode.contains(PosixFilePermission.OTHERS_WRITE) && !sticky) {
            throw new IOException(dir + ": writable by every user (mode "
                    + PosixFilePermissions.toString(dirMode) + "), so anyone could replace the control socket"
                    + " (expected: a directory only its owner can write, e.g. chmod 755)");
        }
        GroupPrincipal groupPrincipal = null;
        if (group != null) {
            try {
                groupPrincipal = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
            } catch (IOException e) {
                throw new IOException("control group: " + group + " (expected: an existing group)", e);
            }
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            boolean answers;
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(target))) {
                answers = true;
            } catch (IOException e) {
                answers = false;
            }
            if (answers) {
                throw new IOException(target + ": another lvs4j run answers there (use --control PATH)");
            }
        }
        // bind in a private directory, set mode and group there, then rename into place: the
        // socket is never reachable with the umask's mode
        Path staging = Files.createTempDirectory(dir, ".control-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path staged = staging.resolve("s");
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            s.bind(UnixDomainSocketAddress.of(staged));
            Files.setPosixFilePermissions(staged, PosixFilePermissions.fromString(group == null ? "rw-------" : "rw-rw----"));
            if (groupPrincipal != null) {
                Files.getFileAttributeView(staged, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setGroup(groupPrincipal);
            }
            Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Control(target, s, handler);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        } finally {
            Files.deleteIfExists(staged);
            Files.deleteIfExists(staging);
        }
    }

    /** Whether {@code request} changes the director (and needs a privileged peer). */
    static boolean changes(String request) {
        return !request.equals("status") && !request.startsWith("status ");
    }

    private static final class Client {
        final SocketChannel channel;
        final long deadline;
        final ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST);

        Client(SocketChannel channel) {
            this.channel = channel;
            this.deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
        }
    }

    private void serve() {
        List<Client> clients = new ArrayList<>();
        while (!closed) {
            try {
                selector.select(200);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    if (!k.isValid()) {
                        continue;
                    }
                    if (k.isAcceptable()) {
                        SocketChannel c = server.accept();
                        if (c != null) {
                            c.configureBlocking(false);
                            Client client = new Client(c);
                            c.register(selector, SelectionKey.OP_READ, client);
                            clients.add(client);
                        }
                    } else if (k.isReadable()) {
                        Client client = (Client) k.attachment();
                        String line = read(client);
                        if (line != null) {
                            k.cancel();
                            clients.remove(client);
                            dispatch(client.channel, line.trim());
                        }
                    }
                }
                long now = System.nanoTime();
                for (Iterator<Client> ci = clients.iterator(); ci.hasNext();) {
                    Client c = ci.next();
                    if (now - c.deadline > 0 || !c.channel.isOpen()) {
                        ci.remove();
                        closeQuietly(c.channel); // silent or too slow: dropped, nobody waits for it
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** The request line once complete (or the bytes so far at end of stream), else null. */
    private static String read(Client c) throws IOException {
        int n;
        try {
            n = c.channel.read(c.in);
        } catch (IOException e) {
            n = -1;
        }
        return line(c.in.array(), c.in.position(), n < 0);
    }

    /**
     * The request in the first {@code length} bytes received into {@code in} (of
     * {@link #MAX_REQUEST} bytes): the bytes before the first newline once one came; all of them
     * when the buffer is full or the client has ended ({@code ended}); else null (more to come).
     */
    static String line(byte[] in, int length, boolean ended) {
        for (int i = 0; i < length; i++) {
            if (in[i] == '\n') {
                return new String(in, 0, i, StandardCharsets.UTF_8);
            }
        }
        if (ended || length == in.length) {
            return new String(in, 0, length, StandardCharsets.UTF_8);
        }
        return null;
    }

    private void dispatch(SocketChannel c, String request) {
        boolean changing = changes(request);
        Runnable work = () -> {
            Answer a;
            if (changing && !privileged(c)) {
                a = new Answer(Main.FAILED, "refused: " + request + " needs root or the director's user ("
                        + ownUser + "); peer is " + peer(c) + "\n");
            } else {
                try {
                    a = handler.apply(request);
                } catch (RuntimeException e) {
                    a = new Answer(Main.FAILED, "internal error: " + e + "\n");
                }
            }
            answer(c, a);
        };
        try {
            (changing ? changers : readers).execute(work);
        } catch (RejectedExecutionException e) {
            closeQuietly(c);
        }
    }

    private boolean privileged(SocketChannel c) {
        try {
            UnixDomainPrincipal p = c.getOption(ExtendedSocketOptions.SO_PEERCRED);
            String user = p.user().getName();
            return user.equals("root") || user.equals("0") || user.equals(ownUser);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static String peer(SocketChannel c) {
        try {
            UnixDomainPrincipal p = c.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return "user " + p.user().getName() + ", group " + p.group().getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** Writes the answer within {@link #ANSWER_TIMEOUT}, then closes; a client that does not read is dropped. */
    private static void answer(SocketChannel c, Answer a) {
        ByteBuffer out = StandardCharsets.UTF_8.encode(a.status() + "\n" + a.text());
        try (c; Selector s = Selector.open()) {
            c.register(s, SelectionKey.OP_WRITE);
            long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
            while (out.hasRemaining()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                if (s.select(left) > 0) {
                    s.selectedKeys().clear();
                    c.write(out);
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Sends one request to the director at {@code path}. */
    static Answer ask(Path path, String request) throws IOException {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            c.write(StandardCharsets.UTF_8.encode(request + "\n"));
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            while (c.read(b) >= 0) {
                b.flip();
                all.write(b.array(), 0, b.limit());
                b.clear();
            }
            return answer(all.toString(StandardCharsets.UTF_8), path);
        }
    }

    /**
     * Reads an answer: an exit status (0..255) on the first line, then the text; anything else is
     * an {@link IOException} (a peer that is not lvs4j run, or a cut answer).
     */
    static Answer answer(String s, Path path) throws IOException {
        int nl = s.indexOf('\n');
        if (nl < 0) {
            throw new IOException(path + ": no answer");
        }
        String first = s.substring(0, nl).trim();
        int status = -1;
        if (!first.isEmpty() && first.length() <= 3 && first.chars().allMatch(c -> c >= '0' && c <= '9')) {
            status = Integer.parseInt(first);
        }
        if (status < 0 || status > 255) {
            throw new IOException(path + ": not an answer (expected: an exit status 0..255 on the first line)");
        }
        return new Answer(status, s.substring(nl + 1));
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
        readers.shutdownNow();
        changers.shutdownNow();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // left behind: the next run replaces it
        }
    }
}
