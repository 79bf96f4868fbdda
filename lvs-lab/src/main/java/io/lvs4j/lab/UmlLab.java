package io.lvs4j.lab;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs a shell script or a JVM entry point inside a User-Mode Linux 6.1 kernel with all IPVS
 * modules loaded, through the repository's {@code lab/uml-run}, and returns what it printed.
 *
 * <pre>{@code
 * LabResult r = UmlLab.defaults().run("ipvsadm -A -t 192.0.2.10:80 -s rr && ipvsadm -Sn");
 * assertThat(r.requireSuccess().stdout()).isEqualTo("-A -t 192.0.2.10:80 -s rr\n");
 * }</pre>
 *
 * <p>Every run boots a fresh kernel (about 2 to 3 s), so a test puts all its steps into one
 * script. The script runs with bash, as root inside the guest, in {@link Builder#workingDirectory
 * the working directory} (default: {@code user.dir}); the guest sees the host's file system except
 * {@code /tmp}, {@code /run} and {@code /dev/shm}, which are fresh and empty inside. Files written
 * under a host path inside are on the host afterwards. The guest has no network device but
 * {@code lo}.
 *
 * <p>Instances are immutable and thread-safe; runs may proceed concurrently (each boots its own
 * kernel; mind the memory: each guest may use up to {@link Builder#memory}).
 */
public final class UmlLab {
    /** System property naming the directory under which run directories are created. */
    public static final String WORKDIR_PROPERTY = "lvs4j.lab.workdir";
    /** System property naming the repository root (the folder holding {@code lab/uml-run}). */
    public static final String REPO_PROPERTY = "lvs4j.repo";

    /** JVM options {@link #runJava} uses unless told otherwise: fast start in a 1-CPU guest. */
    public static final List<String> DEFAULT_JVM_OPTIONS =
            List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xss512k");

    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    static final String DEFAULT_MEMORY = "2G";
    /** How long after the harness's own timeout the JVM stops waiting for it. */
    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final Pattern MEMORY = Pattern.compile("[1-9][0-9]*[KkMmGg]?");
    private static final Pattern MODULE = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static final UmlLab DEFAULTS = builder().build();

    private final String memory;
    private final Duration timeout;
    private final List<String> modules; // null: uml-run's default list
    private final List<String> extraModules;
    private final Map<String, String> env;
    private final Path workingDirectory; // null: user.dir
    private final List<String> jvmOptions;

    private UmlLab(Builder b) {
        this.memory = b.memory;
        this.timeout = b.timeout;
        this.modules = b.modules == null ? null : List.copyOf(b.modules);
        this.extraModules = List.copyOf(b.extraModules);
        this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
        this.workingDirectory = b.workingDirectory;
        this.jvmOptions = List.copyOf(b.jvmOptions);
    }

    /** The lab with default settings: 2G guest RAM, 5 min timeout, all IPVS and network modules. */
    public static UmlLab defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.memory = memory;
        b.timeout = timeout;
        b.modules = modules == null ? null : new ArrayList<>(modules);
        b.extraModules.addAll(extraModules);
        b.env.putAll(env);
        b.workingDirectory = workingDirectory;
        b.jvmOptions.clear();
        b.jvmOptions.addAll(jvmOptions);
        return b;
    }

    /** Whether {@link #run} can work on this machine; see {@link #unavailabilityCause()}. */
    public static boolean isAvailable() {
        return unavailabilityCause().isEmpty();
    }

    /**
     * Why the lab cannot run here, or empty when it can: not Linux, no {@code lab/uml-run} above
     * the working directory, no {@code linux.uml} on the PATH, no UML IPVS modules, no writable
     * {@code /dev/shm}, no {@code modprobe}.
     */
    public static Optional<String> unavailabilityCause() {
        String os = System.getProperty("os.name", "");
        if (!os.startsWith("Linux")) {
            return Optional.of("os.name: \"" + os + "\" (expected: Linux; the lab boots User-Mode Linux)");
        }
        Optional<Path> root = findRepoRoot();
        String repoProp = System.getProperty(REPO_PROPERTY);
        if (root.isEmpty() && repoProp != null && !repoProp.isBlank()) {
            return Optional.of(REPO_PROPERTY + ": \"" + repoProp + "\" (expected: a folder holding lab/uml-run)");
        }
        if (root.isEmpty()) {
            return Optional.of("lab/uml-run not found in " + Paths.get(System.getProperty("user.dir"))
                    + " or any parent (set -D" + REPO_PROPERTY + "=<repository root>)");
        }
        Path umlRun = root.get().resolve("lab/uml-run");
        if (!Files.isExecutable(umlRun)) {
            return Optional.of(umlRun + " is not executable");
        }
        if (findOnPath("linux.uml").isEmpty()) {
            return Optional.of("linux.uml not found on PATH " + System.getenv("PATH")
                    + " (expected: Debian's user-mode-linux package; run lab/install-deps as root)");
        }
        Path modules = Paths.get("/usr/lib/uml/modules");
        if (!hasIpvsModule(modules)) {
            return Optional.of("no ip_vs.ko under " + modules
                    + " (expected: Debian's user-mode-linux package; run lab/install-deps as root)");
        }
        if (findOnPath("modprobe").isEmpty() && !Files.isExecutable(Paths.get("/usr/sbin/modprobe"))
                && !Files.isExecutable(Paths.get("/sbin/modprobe"))) {
            return Optional.of("modprobe not found (expected: Debian's kmod package; run lab/install-deps as root)");
        }
        Path shm = Paths.get("/dev/shm");
        if (!Files.isDirectory(shm) || !Files.isWritable(shm)) {
            return Optional.of("/dev/shm is not a writable directory (UML keeps the guest's RAM there)");
        }
        if (findOnPath("bash").isEmpty()) {
            return Optional.of("bash not found on PATH");
        }
        return Optional.empty();
    }

    /** Runs {@code script} with bash inside a fresh guest, with this lab's timeout. */
    public LabResult run(String script) throws IOException {
        return run(timeout, script);
    }

    /**
     * Runs {@code script} with bash inside a fresh guest. A guest still running after
     * {@code timeout} (boot included) is killed and the result says {@link LabResult#timedOut()}.
     *
     * @throws LabException when the harness itself failed (no UML, a module did not load, the
     *     guest died without the script's exit status)
     */
    public LabResult run(Duration timeout, String script) throws IOException {
        checkTimeout(timeout);
        if (script == null) {
            throw new NullPointerException("script: null (expected: a bash script)");
        }
        return execute(timeout, script);
    }

    /**
     * Runs {@code mainClass}'s {@code main(args)} in a JVM inside a fresh guest, with this JVM's
     * class path and {@code java.home}, and the {@link Builder#jvmOptions JVM options}.
     */
    public LabResult runJava(Duration timeout, Class<?> mainClass, String... args) throws IOException {
        checkTimeout(timeout);
        if (mainClass == null) {
            throw new NullPointerException("mainClass: null (expected: a class with a main method)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(hostClassPath());
        cmd.add(mainClass.getName());
        cmd.addAll(Arrays.asList(args));
        StringBuilder script = new StringBuilder("exec");
        for (String c : cmd) {
            script.append(' ').append(shellQuote(c));
        }
        script.append('\n');
        return execute(timeout, script.toString());
    }

    /** {@link #runJava(Duration, Class, String...)} with this lab's timeout. */
    public LabResult runJava(Class<?> mainClass, String... args) throws IOException {
        return runJava(timeout, mainClass, args);
    }

    private LabResult execute(Duration timeout, String script) throws IOException {
        Path root = findRepoRoot().orElseThrow(() -> new LabException(unavailabilityCause().orElse(
                "lab/uml-run not found above " + System.getProperty("user.dir"))));
        Path workRoot = workRoot(root);
        Files.createDirectories(workRoot);
        Path dir = Files.createTempDirectory(workRoot, "java.");
        try {
            Path scriptFile = dir.resolve("script.sh");
            Path status = dir.resolve("status");
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            Files.writeString(scriptFile, script, StandardCharsets.UTF_8);

            long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
            List<String> cmd = new ArrayList<>();
            cmd.add(root.resolve("lab/uml-run").toString());
            cmd.add("--mem");
            cmd.add(memory);
            cmd.add("--timeout");
            cmd.add(Long.toString(seconds));
            cmd.add("--status-file");
            cmd.add(status.toString());
            if (modules != null) {
                cmd.add("--modules");
                cmd.add(String.join(" ", modules));
            }
            if (!extraModules.isEmpty()) {
                cmd.add("--extra-modules");
                cmd.add(String.join(" ", extraModules));
            }
            for (Map.Entry<String, String> e : env.entrySet()) {
                cmd.add("--env");
                cmd.add(e.getKey() + "=" + e.getValue());
            }
            cmd.add("--script");
            cmd.add(scriptFile.toString());

            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory((workingDirectory != null ? workingDirectory
                            : Paths.get(System.getProperty("user.dir"))).toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().put("LAB_WORKDIR", workRoot.toString());

            long start = System.nanoTime();
            Process p = pb.start();
            boolean finished;
            try {
                finished = p.waitFor(seconds * 1000 + GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                stop(p);
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the lab ran; guest killed");
            }
            if (!finished) {
                stop(p);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            Map<String, String> st = readStatus(status);
            String state = st.getOrDefault("status", finished ? "error" : "timeout");
            if (state.equals("timeout")) {
                return new LabResult(124, stdout, stderr, elapsed, true, Duration.ZERO);
            }
            if (!state.equals("ok")) {
                throw new LabException("lab/uml-run failed (exit " + (finished ? p.exitValue() : "none")
                        + "): " + stderr.strip());
            }
            int exit = Integer.parseInt(st.get("exit"));
            Duration boot = Duration.ofMillis(parseLong(st.get("boot_ms")) + parseLong(st.get("modules_ms")));
            return new LabResult(exit, stdout, stderr, elapsed, false, boot);
        } finally {
            deleteTree(dir);
        }
    }

    private static void stop(Process p) {
        p.destroy(); // SIGTERM: uml-run kills its guest's process tree and exits
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, String> readStatus(Path status) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        if (!Files.exists(status)) {
            return m;
        }
        for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    private static long parseLong(String s) {
        if (s == null || s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Deletes a folder and everything in it, deepest first; best effort (what fails stays). */
    static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a build or temporary folder
        }
    }

    private static Path workRoot(Path repoRoot) {
        String prop = System.getProperty(WORKDIR_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Paths.get(prop).toAbsolutePath();
        }
        String env = System.getenv("LAB_WORKDIR");
        if (env != null && !env.isBlank()) {
            return Paths.get(env).toAbsolutePath();
        }
        return repoRoot.resolve("target/lab");
    }

    /** The class path of this JVM, entries that exist, as host paths the guest can read. */
    static String hostClassPath() {
        String cp = System.getProperty("java.class.path", "");
        List<String> kept = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            if (!e.isEmpty() && Files.exists(Paths.get(e))) {
                kept.add(Paths.get(e).toAbsolutePath().toString());
            }
        }
        return String.join(File.pathSeparator, kept);
    }

    /** Single-quotes {@code s} for bash. */
    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * The repository root: {@code -Dlvs4j.repo} if set, else the nearest folder at or above
     * {@code user.dir} that holds {@code lab/uml-run}.
     */
    public static Optional<Path> findRepoRoot() {
        String prop = System.getProperty(REPO_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            Path p = Paths.get(prop).toAbsolutePath().normalize();
            return Files.isRegularFile(p.resolve("lab/uml-run")) ? Optional.of(p) : Optional.empty();
        }
        return findRepoRoot(Paths.get(System.getProperty("user.dir")));
    }

    static Optional<Path> findRepoRoot(Path start) {
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("lab/uml-run"))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path p = Paths.get(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean hasIpvsModule(Path modules) {
        try (var versions = Files.list(modules)) {
            return versions.anyMatch(v -> Files.exists(v.resolve("kernel/net/netfilter/ipvs/ip_vs.ko")));
        } catch (IOException e) {
            return false;
        }
    }

    private static void checkTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: a positive duration)");
        }
    }

    public String memory() {
        return memory;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The modules loaded at boot, or empty for uml-run's default list (all IPVS and network modules). */
    public Optional<List<String>> modules() {
        return Optional.ofNullable(modules);
    }

    public List<String> extraModules() {
        return extraModules;
    }

    public Map<String, String> env() {
        return env;
    }

    public List<String> jvmOptions() {
        return jvmOptions;
    }

    @Override
    public String toString() {
        return "UmlLab[memory=" + memory + ", timeout=" + timeout
                + (modules != null ? ", modules=" + modules : "")
                + (extraModules.isEmpty() ? "" : ", extraModules=" + extraModules)
                + (env.isEmpty() ? "" : ", env=" + env.keySet())
                + "]";
    }

    /** Settings of a {@link UmlLab}; each is checked when set. */
    public static final class Builder {
        private String memory = DEFAULT_MEMORY;
        private Duration timeout = DEFAULT_TIMEOUT;
        private List<String> modules;
        private final List<String> extraModules = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private Path workingDirectory;
        private final List<String> jvmOptions = new ArrayList<>(DEFAULT_JVM_OPTIONS);

        private Builder() {}

        /** Guest RAM, such as {@code "1G"} or {@code "1536M"}; backed lazily by /dev/shm. */
        public Builder memory(String memory) {
            if (memory == null || !MEMORY.matcher(memory).matches()) {
                throw new IllegalArgumentException("memory: " + quote(memory)
                        + " (expected: a size such as 1G or 1536M)");
            }
            this.memory = memory;
            return this;
        }

        /** Limit for a whole run, boot and power-off included. */
        public Builder timeout(Duration timeout) {
            checkTimeout(timeout);
            this.timeout = timeout;
            return this;
        }

        /** Loads exactly these modules at boot instead of the default list. */
        public Builder modules(List<String> modules) {
            if (modules == null) {
                throw new NullPointerException("modules: null (expected: module names)");
            }
            for (String m : modules) {
                checkModule(m);
            }
            this.modules = new ArrayList<>(modules);
            return this;
        }

        /** Loads these modules too. */
        public Builder extraModules(String... names) {
            for (String m : names) {
                checkModule(m);
            }
            extraModules.addAll(Arrays.asList(names));
            return this;
        }

        /** Sets a variable in the guest command's environment. */
        public Builder env(String name, String value) {
            if (name == null || !ENV_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("env name: " + quote(name)
                        + " (expected: letters, digits and _, not starting with a digit)");
            }
            if (value == null) {
                throw new NullPointerException("env " + name + ": null (expected: a value)");
            }
            env.put(name, value);
            return this;
        }

        /** Where the script starts; must be a host folder outside /tmp, /run and /dev/shm. */
        public Builder workingDirectory(Path dir) {
            if (dir == null || !Files.isDirectory(dir)) {
                throw new IllegalArgumentException("workingDirectory: " + quote(dir) + " (expected: a folder)");
            }
            Path abs = dir.toAbsolutePath().normalize();
            for (String hidden : List.of("/tmp", "/run", "/dev/shm")) {
                if (abs.startsWith(hidden)) {
                    throw new IllegalArgumentException("workingDirectory: \"" + abs
                            + "\" (expected: a folder outside /tmp, /run and /dev/shm, which the guest hides)");
                }
            }
            this.workingDirectory = abs;
            return this;
        }

        /** Options of the JVM {@link #runJava} starts (replacing {@link #DEFAULT_JVM_OPTIONS}). */
        public Builder jvmOptions(List<String> options) {
            if (options == null || options.stream().anyMatch(o -> o == null)) {
                throw new NullPointerException("jvmOptions: " + options + " (expected: non-null options)");
            }
            jvmOptions.clear();
            jvmOptions.addAll(options);
            return this;
        }

        public UmlLab build() {
            return new UmlLab(this);
        }

        private static void checkModule(String m) {
            if (m == null || !MODULE.matcher(m).matches()) {
                throw new IllegalArgumentException("module: " + quote(m) + " (expected: a module name such as ip_vs_rr)");
            }
        }

        private static String quote(Object o) {
            return o == null ? "null" : "\"" + o + "\"";
        }
    }
}
