package io.lvs4j.health;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The health monitor at scale (recorded in {@code benchmarks/RESULTS.md}). Run from the repository
 * root after {@code mvn -pl lvs-health -am install -DskipTests} and
 * {@code mvn -pl lvs-health dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt}:
 * <pre>
 * java -cp lvs-health/target/test-classes:lvs-health/target/classes:$(cat /tmp/cp.txt) \
 *     io.lvs4j.health.ScaleBenchmarkMain tcp [CHECKS=10000] [SECONDS=60] [WARMUP=10] [THREADS=1]
 * java -cp ... io.lvs4j.health.ScaleBenchmarkMain http [SECONDS=20] [CONCURRENCY=32]
 * </pre>
 * <ul>
 * <li>{@code tcp}: a child JVM listens on CHECKS loopback addresses 127.1.x.y, port 18080 (one
 * socket each, accepting and closing on one selector thread; its CPU is not counted). The
 * monitor (one event-loop thread) runs a TCP_CHECK every 1 s per real server, 100 services of
 * CHECKS/100 real servers. Lag = actual start − planned start, the planned start being the end of
 * the previous check plus the 1 s delay_loop (the monitor plans the next check when one ends).
 * Reports lag percentiles over SECONDS after WARMUP, process CPU time / wall time, the loop
 * threads' run and run-queue wait time (schedstat), a 10 ms periodic task's lateness on the loop,
 * and heap after GC per check (monitor running minus before it was built). THREADS event-loop
 * threads (default 1): the monitor stays on one, channels spread over all.
 * <li>{@code http}: HTTP_GET of a 44-byte page from the test nginx on loopback (one worker), with
 * CONCURRENCY checks in flight on one event-loop thread: checks per second, and per CPU-second of
 * that thread.
 * </ul>
 */
public final class ScaleBenchmarkMain {
    static final int PORT = 18080;
    static final long INTERVAL_NANOS = 1_000_000_000L;

    private ScaleBenchmarkMain() {}

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "tcp" -> tcp(arg(args, 1, 10_000), arg(args, 2, 60), arg(args, 3, 10), arg(args, 4, 1));
            case "http" -> http(arg(args, 1, 20), arg(args, 2, 32));
            case "listen" -> listen(Integer.parseInt(args[1]));
            default -> throw new IllegalArgumentException("mode: " + Arrays.toString(args)
                    + " (expected: tcp [CHECKS SECONDS WARMUP], http [SECONDS CONCURRENCY])");
        }
    }

    private static int arg(String[] args, int i, int dflt) {
        return args.length > i ? Integer.parseInt(args[i]) : dflt;
    }

    static String address(int i) {
        return "127.1." + (i / 250) + "." + (i % 250 + 1);
    }

    /** The listener process: CHECKS sockets on one selector, accept and close. */
    static void listen(int count) throws Exception {
        Selector selector = Selector.open();
        for (int i = 0; i < count; i++) {
            ServerSocketChannel s = ServerSocketChannel.open();
            s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            s.bind(new InetSocketAddress(address(i), PORT), 512);
            s.configureBlocking(false);
            s.register(selector, SelectionKey.OP_ACCEPT);
        }
        System.out.println("READY " + count);
        System.out.flush();
        while (true) {
            selector.select();
            for (SelectionKey k : selector.selectedKeys()) {
                SocketChannel c;
                while ((c = ((ServerSocketChannel) k.channel()).accept()) != null) {
                    c.close();
                }
            }
            selector.selectedKeys().clear();
        }
    }

    /** Wraps a checker to measure how late each check starts. Called on the event-loop thread only. */
    static final class Timed implements Checker {
        final Checker inner;
        final Recorder recorder;
        long lastEnd;

        Timed(Checker inner, Recorder recorder) {
            this.inner = inner;
            this.recorder = recorder;
        }

        @Override
        public CompletionStage<CheckResult> check(CheckContext context) {
            long now = context.ticker().nanos();
            if (lastEnd != 0) {
                recorder.lag(now - (lastEnd + INTERVAL_NANOS));
            }
            return inner.check(context).whenComplete((r, t) -> {
                lastEnd = context.ticker().nanos();
                recorder.done(r != null && r.isUp());
            });
        }

        @Override
        public String describe() {
            return inner.describe();
        }
    }

    /** Lags in microseconds while recording; written by the event-loop thread only. */
    static final class Recorder {
        final int[] lagsMicros;
        int n;
        volatile boolean recording;
        long checks;
        long failures;

        Recorder(int capacity) {
            lagsMicros = new int[capacity];
        }

        void lag(long nanos) {
            if (recording && n < lagsMicros.length) {
                lagsMicros[n++] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, nanos / 1000));
            }
        }

        void done(boolean up) {
            if (recording) {
                checks++;
                if (!up) {
                    failures++;
                }
            }
        }
    }

    static long heapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    /** utime + stime of this process from /proc/self/stat (clock ticks of 10 ms), in nanoseconds. */
    static long processCpuNanos() throws java.io.IOException {
        return cpuNanos(Path.of("/proc/self/stat"));
    }

    static long cpuNanos(Path stat) throws java.io.IOException {
        String text = Files.readString(stat);
        String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    }

    /** Run and run-queue wait nanoseconds (/proc schedstat) summed over the event-loop threads. */
    static long[] loopSchedstat() throws java.io.IOException {
        long[] sum = new long[2];
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                String comm = Files.readString(t.resolve("comm")).trim();
                if (comm.startsWith("lvs4j-health-") && !comm.startsWith("lvs4j-health-bl")) {
                    String[] f = Files.readString(t.resolve("schedstat")).trim().split(" ");
                    sum[0] += Long.parseLong(f[0]);
                    sum[1] += Long.parseLong(f[1]);
                }
            }
        }
        return sum;
    }

    /** The /proc stat file of the thread whose name starts with {@code prefix} (as /proc shows it: 15 chars). */
    static Path threadStat(String prefix) throws java.io.IOException {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                if (Files.readString(t.resolve("comm")).trim().startsWith(prefix)) {
                    return t.resolve("stat");
                }
            }
        }
        throw new IllegalStateException("no thread " + prefix);
    }

    static String uptime() throws Exception {
        Path psi = Path.of("/proc/pressure/cpu");
        return "loadavg " + Files.readString(Path.of("/proc/loadavg")).trim()
                + (Files.isReadable(psi) ? ", cpu pressure " + Files.readAllLines(psi).get(0) : "");
    }

    static void tcp(int count, int seconds, int warmup, int threads) throws Exception {
        System.out.println("load before: " + uptime());
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), ScaleBenchmarkMain.class.getName(), "listen",
                Integer.toString(count));
        Process listener = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8));
            String ready = r.readLine();
            if (ready == null || !ready.startsWith("READY")) {
                throw new IllegalStateException("listener: " + ready);
            }
            long before = heapAfterGc();
            Recorder rec = new Recorder(count * (seconds + 5));
            long baseline = heapAfterGc() - before; // the recorder's array, subtracted below
            CheckPolicy policy = CheckPolicy.builder().interval(Duration.ofSeconds(1)).retry(1)
                    .delayBeforeRetry(Duration.ofSeconds(1)).warmup(Duration.ofSeconds(1)).build();
            List<ServiceHealth> services = new ArrayList<>();
            int perService = Math.max(1, count / 100);
            for (int s = 0, i = 0; i < count; s++) {
                VirtualService.Builder vb = VirtualService.tcp("198.18." + (s / 250) + "." + (s % 250 + 1), 80);
                List<RealServer> rss = new ArrayList<>();
                for (int k = 0; k < perService && i < count; k++, i++) {
                    rss.add(RealServer.of(address(i), PORT).masquerade().weight(1).build());
                }
                VirtualService vs = vb.realServers(rss).build();
                ServiceHealth.Builder h = ServiceHealth.builder(vs);
                for (RealServer rs : rss) {
                    h.check(rs, new Timed(TcpChecker.of(Endpoint.of(rs.address(), PORT)
                            .withConnectTimeout(Duration.ofSeconds(1))), rec), policy);
                }
                services.add(h.build());
            }
            AtomicLong events = new AtomicLong();
            try (CheckRuntime runtime = CheckRuntime.create(threads)) {
                HealthMonitor.Builder mb = HealthMonitor.builder().runtime(runtime)
                        .listener((view, es) -> events.addAndGet(es.size()));
                services.forEach(mb::service);
                try (HealthMonitor monitor = mb.build().start()) {
                    // the loop's own responsiveness: a task every 10 ms, how late it runs
                    int[] probeLags = new int[(seconds + warmup + 5) * 100];
                    int[] probeN = new int[1];
                    var loop = runtime.eventLoop().next();
                    long[] due = {System.nanoTime() + 10_000_000L};
                    var probe = loop.scheduleAtFixedRate(() -> {
                        long late = System.nanoTime() - due[0];
                        due[0] += 10_000_000L;
                        if (rec.recording && probeN[0] < probeLags.length) {
                            probeLags[probeN[0]++] = (int) (late / 1000);
                        }
                    }, 10, 10, TimeUnit.MILLISECONDS);
                    Thread.sleep(warmup * 1000L);
                    long perCheck = (heapAfterGc() - before - baseline) / count;
                    long wall0 = System.nanoTime();
                    long cpu0 = processCpuNanos();
                    long[] sched0 = loopSchedstat();
                    rec.recording = true;
                    Thread.sleep(seconds * 1000L);
                    rec.recording = false;
                    long cpu = processCpuNanos() - cpu0;
                    long[] sched1 = loopSchedstat();
                    long wall = System.nanoTime() - wall0;
                    Thread.sleep(100); // let the loop thread's last writes settle before reading
                    int[] lags = Arrays.copyOf(rec.lagsMicros, rec.n);
                    Arrays.sort(lags);
                    System.out.printf(Locale.ROOT, "tcp: %d real servers, 1 check/s each, %d s measured after %d s, %d event-loop thread(s)%n",
                            count, seconds, warmup, threads);
                    System.out.printf(Locale.ROOT, "  checks completed: %d (%.0f/s), failed: %d, events: %d%n",
                            rec.checks, rec.checks * 1e9 / wall, rec.failures, events.get());
                    System.out.printf(Locale.ROOT, "  start lag (ms): p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (%d samples)%n",
                            pct(lags, 0.50), pct(lags, 0.90), pct(lags, 0.99), pct(lags, 0.999),
                            lags.length == 0 ? 0 : lags[lags.length - 1] / 1000.0, lags.length);
                    System.out.printf(Locale.ROOT, "  CPU: %.3f cores (process CPU time / wall time)%n", (double) cpu / wall);
                    System.out.printf(Locale.ROOT, "  event-loop thread(s): running %.3f cores, runnable but waiting for a CPU %.3f (schedstat)%n",
                            (double) (sched1[0] - sched0[0]) / wall, (double) (sched1[1] - sched0[1]) / wall);
                    System.out.printf(Locale.ROOT, "  heap after GC per check: %d bytes (monitor, checkers, services, view)%n",
                            perCheck);
                    System.out.println("  distinct checks: " + monitor.distinctChecks());
                    probe.cancel(false);
                    int[] pl = Arrays.copyOf(probeLags, probeN[0]);
                    Arrays.sort(pl);
                    System.out.printf(Locale.ROOT, "  event loop, a 10 ms periodic task's lateness (ms): p50 %.2f  p99 %.2f  max %.2f%n",
                            pct(pl, 0.5), pct(pl, 0.99), pl.length == 0 ? 0 : pl[pl.length - 1] / 1000.0);
                }
            }
            System.out.println("load after: " + uptime());
        } finally {
            listener.destroy();
            listener.waitFor(5, TimeUnit.SECONDS);
        }
    }

    static double pct(int[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1000.0;
    }

    static void http(int seconds, int concurrency) throws Exception {
        System.out.println("load before: " + uptime());
        Path dir = Files.createTempDirectory("lvs4j-bench-nginx");
        try (Nginx nginx = new Nginx(dir).start(); CheckRuntime runtime = CheckRuntime.create()) {
            HttpChecker checker = HttpChecker.builder(Endpoint.of("127.0.0.1", nginx.httpPort)
                    .withConnectTimeout(Duration.ofSeconds(1)).withReadTimeout(Duration.ofSeconds(2)))
                    .url(HttpUrlCheck.builder("/index.html").digest(nginx.md5Of("html/index.html")).build()).build();
            runtime.eventLoop().next().submit(() -> { }).get(); // the loop thread exists
            Path loopThread = threadStat("lvs4j-health-1");
            AtomicLong ok = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            long end = System.nanoTime() + (seconds + 3) * 1_000_000_000L;
            CountDownLatch finished = new CountDownLatch(concurrency);
            for (int i = 0; i < concurrency; i++) {
                runtime.eventLoop().next().execute(new Runnable() {
                    @Override
                    public void run() {
                        if (System.nanoTime() > end) {
                            finished.countDown();
                            return;
                        }
                        checker.check(runtime).whenComplete((r, t) -> {
                            (r != null && r.isUp() ? ok : failed).incrementAndGet();
                            run();
                        });
                    }
                });
            }
            Thread.sleep(3000); // warm up
            long ok0 = ok.get();
            long failed0 = failed.get();
            long wall0 = System.nanoTime();
            long thread0 = cpuNanos(loopThread);
            long cpu0 = processCpuNanos();
            Thread.sleep(seconds * 1000L);
            long wall = System.nanoTime() - wall0;
            long thread = cpuNanos(loopThread) - thread0;
            long cpu = processCpuNanos() - cpu0;
            long done = ok.get() - ok0;
            finished.await(10, TimeUnit.SECONDS);
            System.out.printf(Locale.ROOT, "http: HTTP_GET /index.html with digest, %d in flight, %d s%n", concurrency, seconds);
            System.out.printf(Locale.ROOT, "  checks: %d ok (%.0f/s), %d failed%n", done, done * 1e9 / wall,
                    failed.get() - failed0);
            System.out.printf(Locale.ROOT, "  event-loop thread CPU: %.3f cores -> %.0f checks per CPU-second%n",
                    (double) thread / wall, done * 1e9 / thread);
            System.out.printf(Locale.ROOT, "  process CPU: %.3f cores%n", (double) cpu / wall);
        }
        System.out.println("load after: " + uptime());
    }
}
