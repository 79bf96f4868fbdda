package io.lvs4j.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A stand-in for systemd's notification socket: an {@code AF_UNIX} datagram socket bound by a
 * python3 process (an implementation independent of lvs4j's), at a path or an abstract name
 * ({@code @name}), with {@code SO_PASSCRED} as systemd sets it, so each {@link Message} carries
 * the sender's process id from the kernel's {@code SCM_CREDENTIALS} and the receiver's
 * {@code CLOCK_MONOTONIC} time of arrival. Pass {@link #address()} as {@code NOTIFY_SOCKET}.
 * {@link #close()} stops the process by its PID and removes the path.
 */
public final class NotifySocket implements AutoCloseable {
    private static final String RECEIVER = """
            import socket, struct, sys, time
            name = sys.argv[1]
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
            s.bind('\\0' + name[1:] if name.startswith('@') else name)
            print('bound', flush=True)
            while True:
                data, anc, flags, addr = s.recvmsg(65536, socket.CMSG_SPACE(12))
                pid = -1
                for level, kind, value in anc:
                    if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                        pid = struct.unpack('iII', value[:12])[0]
                print(time.monotonic_ns(), pid, data.hex() or '-', flush=True)
            """;

    /**
     * One datagram as received.
     *
     * @param monotonicNanos the receiver's {@code CLOCK_MONOTONIC} when it arrived
     * @param senderPid the sender's process id (thread group id) as the kernel reports it
     * @param text the datagram, UTF-8
     */
    public record Message(long monotonicNanos, long senderPid, String text) {
        /** The lines of the message ({@code NAME=VALUE}). */
        public List<String> lines() {
            return List.of(text.split("\n", -1));
        }

        /** The value of {@code name} in the message, if it has that line. */
        public Optional<String> value(String name) {
            for (String l : lines()) {
                if (l.startsWith(name + "=")) {
                    return Optional.of(l.substring(name.length() + 1));
                }
            }
            return Optional.empty();
        }

        /** Whether the message has the line {@code assignment}, e.g. {@code READY=1}. */
        public boolean has(String assignment) {
            return lines().contains(assignment);
        }
    }

    private final String address;
    private final Process process;
    private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    private final List<Message> all = new ArrayList<>();
    private final StringBuilder errors = new StringBuilder();

    private NotifySocket(String address, Process process) {
        this.address = address;
        this.process = process;
    }

    /** Whether python3 is on the PATH (the stand-in needs it). */
    public static boolean isAvailable() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "python3"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Binds {@code address} (an absolute path, which must not exist yet, or {@code @name}) and
     * returns once the socket is bound.
     */
    public static NotifySocket bind(String address) throws IOException {
        Process p = new ProcessBuilder("python3", "-c", RECEIVER, address).redirectErrorStream(false).start();
        NotifySocket s = new NotifySocket(address, p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (!"bound".equals(first)) {
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            s.close();
            throw new IOException("python3 could not bind " + address + ": " + err.strip());
        }
        Thread reader = new Thread(() -> s.read(out), "notify-socket-" + address);
        reader.setDaemon(true);
        reader.start();
        Thread errs = new Thread(() -> {
            try {
                String e = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                synchronized (s.errors) {
                    s.errors.append(e);
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "notify-socket-errors");
        errs.setDaemon(true);
        errs.start();
        return s;
    }

    private void read(BufferedReader out) {
        try {
            String line;
            while ((line = out.readLine()) != null) {
                String[] f = line.split(" ");
                String text = f[2].equals("-") ? ""
                        : new String(HexFormat.of().parseHex(f[2]), StandardCharsets.UTF_8);
                Message m = new Message(Long.parseLong(f[0]), Long.parseLong(f[1]), text);
                synchronized (all) {
                    all.add(m);
                }
                messages.add(m);
            }
        } catch (IOException | RuntimeException e) {
            // closed
        }
    }

    /** What to set {@code NOTIFY_SOCKET} to. */
    public String address() {
        return address;
    }

    /** The next message not taken yet, waiting at most {@code timeout}; null if none came. */
    public Message next(Duration timeout) throws InterruptedException {
        return messages.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Takes messages until one has the line {@code assignment} and returns it, waiting at most
     * {@code timeout} in all; null if none came.
     */
    public Message await(String assignment, Duration timeout) throws InterruptedException {
        return await(m -> m.has(assignment), timeout);
    }

    /**
     * Takes messages until one matches {@code p} and returns it, waiting at most {@code timeout}
     * in all; null if none did.
     */
    public Message await(Predicate<Message> p, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            Message m = messages.poll(left, TimeUnit.NANOSECONDS);
            if (m == null) {
                return null;
            }
            if (p.test(m)) {
                return m;
            }
        }
    }

    /** Takes every message that arrives within {@code d} from now, in order. */
    public List<Message> during(Duration d) throws InterruptedException {
        List<Message> got = new ArrayList<>();
        long end = System.nanoTime() + d.toNanos();
        for (long left = d.toNanos(); left > 0; left = end - System.nanoTime()) {
            Message m = messages.poll(left, TimeUnit.NANOSECONDS);
            if (m != null) {
                got.add(m);
            }
        }
        return got;
    }

    /** Every message received so far, taken or not, in order. */
    public List<Message> received() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    /** What python3 wrote on stderr (empty unless it failed). */
    public String errors() {
        synchronized (errors) {
            return errors.toString();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (address.startsWith("/")) {
            try {
                Files.deleteIfExists(Path.of(address));
            } catch (IOException e) {
                // left behind in the test's own directory
            }
        }
    }
}
