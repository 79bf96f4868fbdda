package io.lvs4j.director.config.internal;

import io.lvs4j.director.config.ReadOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * keepalived's line reader: comments, {@code include}, {@code @id} conditional lines,
 * {@code $NAME=value} definitions (multiline ones too) and their substitution, {@code ~SEQ} and
 * {@code ~LST} blocks, braces glued to words, and double-quoted words. Produces the words of every
 * line, each located at the file, line and column it came from.
 *
 * <p>As in keepalived (keepalived.conf(5), "Parameter substitution"), a trailing {@code \}
 * continues only a {@code $NAME=} definition; on other lines it is an ordinary character.
 */
public final class Preprocessor {
    static final int MAX_INCLUDE_DEPTH = 32;
    static final int MAX_LINE = 64 * 1024;
    static final int MAX_SUBSTITUTIONS_PER_LINE = 1000;
    /** Lines made by expansion ({@code ~SEQ}, {@code ~LST}, multi-line definitions): a guard against runaway expansion. */
    static final int MAX_GENERATED_LINES = 100_000;
    /**
     * All lines, the file's own and included ones too: not a size limit but a guard; keepalived.conf
     * of 10,000 virtual servers with 4 checked real servers each is about 400,000 lines (issue 15).
     */
    static final int MAX_LINES = 4_000_000;
    static final int MAX_RECURSION = 64;
    /**
     * The largest file read, the configuration or one include: keepalived.conf files are kilobytes, but
     * one of 10,000 virtual servers with 4 checked real servers each is about 6 MB (issue 15).
     */
    static final int MAX_FILE_BYTES = 16 * 1024 * 1024;
    /** The most read in all, the configuration and everything it includes. */
    static final long MAX_TOTAL_BYTES = 64L * 1024 * 1024;

    private final ReadOptions options;
    private final Problems problems;
    private final Map<String, Definition> defs = new LinkedHashMap<>();
    private final List<Token> out = new ArrayList<>();
    private final Deque<Path> includeStack = new ArrayDeque<>();
    private final Random random;
    private Definition collecting;
    private int generated;
    private long totalBytes;
    private int lines;
    private boolean aborted;

    private static final class Definition {
        final String name;
        final List<String> lines = new ArrayList<>();
        boolean multiline;
        final String builtin;

        Definition(String name, String builtin) {
            this.name = name;
            this.builtin = builtin;
        }
    }

    /** A piece of line text with the original 1-based column of each character. */
    static final class Text {
        final String file;
        final int line;
        final String s;
        final int[] cols;
        final Path dir;

        Text(String file, int line, String s, int[] cols, Path dir) {
            this.file = file;
            this.line = line;
            this.s = s;
            this.cols = cols;
            this.dir = dir;
        }

        int col(int i) {
            if (cols.length == 0) {
                return 1;
            }
            return cols[Math.min(Math.max(i, 0), cols.length - 1)];
        }

        Text sub(int from, int to) {
            return new Text(file, line, s.substring(from, to), Arrays.copyOfRange(cols, from, to), dir);
        }

        Text trim() {
            int a = 0;
            int b = s.length();
            while (a < b && isBlank(s.charAt(a))) {
                a++;
            }
            while (b > a && isBlank(s.charAt(b - 1))) {
                b--;
            }
            return a == 0 && b == s.length() ? this : sub(a, b);
        }

        /** Replaces [from, to) with text whose characters all map to column {@code col}. */
        Text replace(int from, int to, String with, int col) {
            int[] c = new int[cols.length - (to - from) + with.length()];
            System.arraycopy(cols, 0, c, 0, from);
            Arrays.fill(c, from, from + with.length(), col);
            System.arraycopy(cols, to, c, from + with.length(), cols.length - to);
            return new Text(file, line, s.substring(0, from) + with + s.substring(to), c, dir);
        }

        /** Text that did not come from the file: every character at {@code col}. */
        Text derived(String text, int col) {
            int[] c = new int[text.length()];
            Arrays.fill(c, col);
            return new Text(file, line, text, c, dir);
        }
    }

    public Preprocessor(ReadOptions options, Problems problems) {
        this.options = options;
        this.problems = problems;
        this.random = new Random(options.randomSeed());
        builtin("_PWD");
        builtin("_INSTANCE");
        builtin("_RANDOM");
        builtin("_HASH");
        builtin("_BANG");
    }

    private void builtin(String name) {
        defs.put(name, new Definition(name, name));
    }

    /** The words of a file and everything it includes. */
    public List<Token> readFile(Path file) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        String content = readBounded(abs);
        if (content == null) {
            problems.error(file.toString(), 1, 1, "file: " + quoteOf(file.toString()) + " (expected: at most "
                    + MAX_FILE_BYTES + " bytes)");
            return finish(file.toString());
        }
        totalBytes += content.length();
        includeStack.push(abs.toRealPath());
        readText(file.toString(), content, abs.getParent());
        includeStack.pop();
        return finish(file.toString());
    }

    /**
     * The file's bytes as ISO-8859-1 text, or null if it holds more than {@link #MAX_FILE_BYTES}
     * (read as a stream, so that a device or a file still growing cannot exhaust the heap).
     */
    private static String readBounded(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(MAX_FILE_BYTES + 1);
            return b.length > MAX_FILE_BYTES ? null : new String(b, StandardCharsets.ISO_8859_1);
        }
    }

    /** The words of text, includes resolving against {@code dir}. */
    public List<Token> readString(String name, String content, Path dir) {
        readText(name, content, dir.toAbsolutePath().normalize());
        return finish(name);
    }

    private List<Token> finish(String name) {
        endDefinition();
        return out;
    }

    private void readText(String name, String content, Path dir) {
        int lineNo = 0;
        int start = 0;
        int n = content.length();
        while (start <= n && !aborted) {
            int end = content.indexOf('\n', start);
            if (end < 0) {
                end = n;
                if (start == n) {
                    break;
                }
            }
            lineNo++;
            String raw = content.substring(start, end);
            start = end + 1;
            physical(name, lineNo, raw, dir);
        }
    }

    private void physical(String file, int lineNo, String raw, Path dir) {
        int len = raw.length();
        while (len > 0 && (raw.charAt(len - 1) == '\r' || raw.charAt(len - 1) == '\n')) {
            len--;
        }
        if (len > MAX_LINE) {
            problems.error(file, lineNo, 1, "line too long: " + len + " characters (expected: at most " + MAX_LINE + ")");
            return;
        }
        Text t = decomment(file, lineNo, raw.substring(0, len), dir);
        if (collecting != null) {
            if (t.s.isEmpty()) {
                endDefinition();
                return;
            }
            if (t.s.endsWith("\\")) {
                String v = t.s.substring(0, t.s.length() - 1).stripTrailing();
                if (!v.isEmpty()) {
                    collecting.lines.add(v);
                }
            } else {
                collecting.lines.add(t.s);
                endDefinition();
            }
            return;
        }
        if (t.s.isEmpty()) {
            return;
        }
        logical(t, 0);
    }

    private void endDefinition() {
        if (collecting != null) {
            if (collecting.lines.isEmpty()) {
                collecting.multiline = false;
                collecting.lines.add("");
            }
            collecting = null;
        }
    }

    /**
     * Strips a comment ({@code !} or {@code #} outside double quotes; {@code \#} and {@code \!}
     * stand for themselves) and surrounding blanks.
     */
    private Text decomment(String file, int lineNo, String raw, Path dir) {
        StringBuilder sb = new StringBuilder(raw.length());
        int[] cols = new int[raw.length()];
        int n = 0;
        boolean quote = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '"') {
                quote = !quote;
            } else if (c == '\\') {
                if (i + 1 < raw.length()) {
                    char d = raw.charAt(i + 1);
                    if (!quote && (d == '#' || d == '!')) {
                        sb.append(d);
                        cols[n++] = i + 2;
                    } else {
                        sb.append(c).append(d);
                        cols[n++] = i + 1;
                        cols[n++] = i + 2;
                    }
                    i++;
                    continue;
                }
            } else if (!quote && (c == '!' || c == '#')) {
                break;
            }
            sb.append(c);
            cols[n++] = i + 1;
        }
        if (quote) {
            problems.error(file, lineNo, 1 + raw.indexOf('"'), "unterminated quote (expected: a closing \")");
        }
        return new Text(file, lineNo, sb.toString(), Arrays.copyOf(cols, n), dir).trim();
    }

    private void logical(Text t, int depth) {
        if (aborted) {
            return;
        }
        if (depth > MAX_RECURSION) {
            problems.error(t.file, t.line, t.col(0), "expansion nested too deep (expected: at most " + MAX_RECURSION + " levels)");
            return;
        }
        if (depth > 0 && ++generated > MAX_GENERATED_LINES) {
            problems.error(t.file, t.line, t.col(0),
                    "configuration expands to too many lines (expected: at most " + MAX_GENERATED_LINES + ")");
            aborted = true;
            return;
        }
        if (++lines > MAX_LINES) {
            problems.error(t.file, t.line, t.col(0),
                    "configuration has too many lines (expected: at most " + MAX_LINES + ")");
            aborted = true;
            return;
        }
        List<Text> queued = new ArrayList<>();
        int rounds = 0;
        boolean recheck;
        do {
            recheck = false;
            if (t.s.startsWith("@")) {
                boolean negate = t.s.startsWith("@^");
                int from = negate ? 2 : 1;
                int sp = indexOfBlank(t.s, from);
                if (sp < 0) {
                    return;
                }
                String id = t.s.substring(from, sp);
                boolean match = id.equals(options.configId());
                if (match == negate) {
                    return;
                }
                t = t.sub(sp, t.s.length()).trim();
                if (t.s.isEmpty()) {
                    return;
                }
            }
            if (t.s.startsWith("$") && define(t)) {
                return;
            }
            if (t.s.startsWith("~SEQ") || t.s.startsWith("~LST")) {
                sequence(t, depth);
                return;
            }
            if (t.s.startsWith("~")) {
                break;
            }
            if (t.s.indexOf('$') >= 0) {
                Text r = substitute(t, queued);
                if (r == null) {
                    return;
                }
                if (r != t) {
                    t = r.trim();
                    if (t.s.isEmpty()) {
                        break;
                    }
                    if (++rounds > MAX_SUBSTITUTIONS_PER_LINE) {
                        problems.error(t.file, t.line, t.col(0), "parameter substitution: does not terminate (expected: at most " + MAX_SUBSTITUTIONS_PER_LINE + " substitutions in a line)");
                        return;
                    }
                    recheck = t.s.startsWith("@") || t.s.indexOf('$') >= 0;
                }
            }
        } while (recheck);

        if (!t.s.isEmpty() && !include(t)) {
            tokenize(t);
        }
        for (Text q : queued) {
            logical(q, depth + 1);
        }
    }

    private static int indexOfBlank(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (isBlank(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isNameStart(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    }

    private static boolean isNameChar(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }

    /** {@code $NAME=value}; returns false if the line is not a definition. */
    private boolean define(Text t) {
        String s = t.s;
        if (s.length() < 2 || !isNameStart(s.charAt(1))) {
            return false;
        }
        int i = 2;
        while (i < s.length() && isNameChar(s.charAt(i))) {
            i++;
        }
        int nameEnd = i;
        while (i < s.length() && isBlank(s.charAt(i))) {
            i++;
        }
        if (i >= s.length() || s.charAt(i) != '=') {
            return false;
        }
        String name = s.substring(1, nameEnd);
        String value = s.substring(i + 1).strip();
        Definition d = new Definition(name, null);
        if (value.endsWith("\\")) {
            d.multiline = true;
            String first = value.substring(0, value.length() - 1).stripTrailing();
            if (!first.isEmpty()) {
                d.lines.add(first);
            }
            collecting = d;
        } else {
            d.lines.add(value);
        }
        defs.remove(name);
        defs.put(name, d);
        return true;
    }

    /**
     * Replaces the first defined {@code $NAME} / {@code ${NAME}}; the caller loops, so
     * replacement is recursive as keepalived's is. Returns {@code t} if nothing was replaced.
     */
    private Text substitute(Text t, List<Text> queued) {
        String s = t.s;
        int pos = 0;
        while ((pos = s.indexOf('$', pos)) >= 0 && pos + 1 < s.length()) {
            boolean braces = s.charAt(pos + 1) == '{';
            int nameStart = pos + (braces ? 2 : 1);
            if (nameStart >= s.length() || !isNameStart(s.charAt(nameStart))) {
                pos++;
                continue;
            }
            int p = nameStart + 1;
            while (p < s.length() && isNameChar(s.charAt(p))) {
                p++;
            }
            String name = s.substring(nameStart, p);
            String params = "";
            int end;
            if (braces) {
                int q = p;
                while (q < s.length() && (s.charAt(q) == ' ' || Character.isDigit(s.charAt(q)))) {
                    q++;
                }
                if (q >= s.length() || s.charAt(q) != '}') {
                    pos++;
                    continue;
                }
                params = s.substring(p, q).trim();
                end = q + 1;
            } else {
                if (p < s.length() && !(isBlank(s.charAt(p)) || s.charAt(p) == ',' || s.charAt(p) == ')')) {
                    pos++;
                    continue;
                }
                end = p;
            }
            Definition d = defs.get(name);
            if (d == null || (!params.isEmpty() && !"_RANDOM".equals(d.builtin))) {
                pos++;
                continue;
            }
            boolean atEnd = end == s.length();
            if (d.multiline && !atEnd) {
                pos++;
                continue;
            }
            String value = value(d, params, t);
            if (t.s.length() + value.length() > MAX_LINE) {
                problems.error(t.file, t.line, t.col(pos), "parameter substitution makes the line too long (expected: at most "
                        + MAX_LINE + " characters)");
                return null;
            }
            if (d.multiline) {
                for (int k = 1; k < d.lines.size(); k++) {
                    queued.add(k - 1, t.derived(d.lines.get(k), t.col(pos)));
                }
            }
            return t.replace(pos, end, value, t.col(pos));
        }
        return t;
    }

    private String value(Definition d, String params, Text at) {
        if (d.builtin == null) {
            return d.lines.get(0);
        }
        switch (d.builtin) {
            case "_PWD":
                return at.dir == null ? "" : at.dir.toString();
            case "_INSTANCE":
                return options.configId() == null ? "" : options.configId();
            case "_HASH":
                return "#";
            case "_BANG":
                return "!";
            default: {
                long min = 0;
                long max = 32767;
                String[] p = params.isEmpty() ? new String[0] : params.trim().split(" +");
                try {
                    if (p.length > 0) {
                        min = Long.parseLong(p[0]);
                    }
                    if (p.length > 1) {
                        max = Long.parseLong(p[1]);
                    }
                } catch (NumberFormatException e) {
                    return "0";
                }
                if (max < min) {
                    return Long.toString(min);
                }
                return Long.toString(min + (long) (random.nextDouble() * (max - min + 1)));
            }
        }
    }

    /** {@code ~SEQ(var, start, step, end) rest}, {@code ~SEQx(...)}, {@code ~LST(var, v1, v2...)}. */
    private void sequence(Text t, int depth) {
        String s = t.s;
        boolean seq = s.startsWith("~SEQ");
        boolean hex = seq && s.startsWith("~SEQx");
        int open = s.indexOf('(');
        int close = matchingParen(s, open);
        if (open < 0 || close < 0 || !s.substring(4 + (hex ? 1 : 0), open).isBlank()) {
            problems.error(t.file, t.line, t.col(0), (seq ? "~SEQ" : "~LST") + ": " + quoteOf(s)
                    + " (expected: " + (seq ? "~SEQ(var, [start, [step,]] end)" : "~LST(var, value, ...)") + ")");
            return;
        }
        String spec = s.substring(open + 1, close);
        Text rest = t.sub(close + 1, s.length()).trim();
        if (seq) {
            String[] a = spec.split(",", -1);
            for (int i = 0; i < a.length; i++) {
                a[i] = a[i].trim();
            }
            try {
                if (a.length < 2 || a.length > 4 || !isName(a[0])) {
                    throw new NumberFormatException();
                }
                long end = parseSeqNumber(a[a.length - 1]);
                long start = a.length >= 3 ? parseSeqNumber(a[1]) : (end >= 0 ? 1 : -1);
                long step = a.length == 4 ? parseSeqNumber(a[2]) : (end >= start ? 1 : -1);
                if (step == 0) {
                    throw new NumberFormatException();
                }
                for (long v = start; step > 0 ? v <= end : v >= end; v += step) {
                    if (aborted) {
                        return;
                    }
                    setSimple(a[0], hex ? Long.toHexString(v) : Long.toString(v));
                    logical(rest, depth + 1);
                }
            } catch (NumberFormatException e) {
                problems.error(t.file, t.line, t.col(0), "~SEQ: " + quoteOf(s.substring(0, close + 1))
                        + " (expected: ~SEQ(var, [start, [step,]] end) with integers)");
            }
            return;
        }
        List<String> vars = new ArrayList<>();
        List<List<String>> sets = new ArrayList<>();
        if (!parseList(spec, vars, sets)) {
            problems.error(t.file, t.line, t.col(0), "~LST: " + quoteOf(s.substring(0, close + 1))
                    + " (expected: ~LST(var, value, ...) or ~LST({var, var}, {value, value}, ...))");
            return;
        }
        for (List<String> set : sets) {
            if (aborted) {
                return;
            }
            for (int i = 0; i < vars.size(); i++) {
                setSimple(vars.get(i), set.get(i));
            }
            logical(rest, depth + 1);
        }
    }

    private static String quoteOf(String s) {
        return '"' + s + '"';
    }

    private static int matchingParen(String s, int open) {
        if (open < 0) {
            return -1;
        }
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            if (s.charAt(i) == '(') {
                depth++;
            } else if (s.charAt(i) == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isName(String s) {
        if (s.isEmpty() || !isNameStart(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (!isNameChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static long parseSeqNumber(String s) {
        String v = s.trim();
        boolean neg = v.startsWith("-");
        if (neg) {
            v = v.substring(1);
        }
        long r = v.startsWith("0x") || v.startsWith("0X") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
        return neg ? -r : r;
    }

    private static boolean parseList(String spec, List<String> vars, List<List<String>> sets) {
        List<String> items = splitTopLevel(spec);
        if (items == null || items.size() < 2) {
            return false;
        }
        String first = items.get(0);
        if (first.startsWith("{")) {
            if (!first.endsWith("}")) {
                return false;
            }
            for (String v : first.substring(1, first.length() - 1).split(",")) {
                vars.add(v.trim());
            }
        } else {
            vars.add(first);
        }
        for (String v : vars) {
            if (!isName(v)) {
                return false;
            }
        }
        for (int i = 1; i < items.size(); i++) {
            String it = items.get(i);
            List<String> set = new ArrayList<>();
            if (it.startsWith("{")) {
                if (!it.endsWith("}")) {
                    return false;
                }
                for (String v : it.substring(1, it.length() - 1).split(",", -1)) {
                    set.add(v.trim());
                }
            } else {
                set.add(it);
            }
            if (set.size() != vars.size()) {
                return false;
            }
            sets.add(set);
        }
        return true;
    }

    private static List<String> splitTopLevel(String s) {
        List<String> r = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                if (--depth < 0) {
                    return null;
                }
            } else if (c == ',' && depth == 0) {
                r.add(s.substring(start, i).trim());
                start = i + 1;
            }
        }
        if (depth != 0) {
            return null;
        }
        r.add(s.substring(start).trim());
        return r;
    }

    private void setSimple(String name, String value) {
        Definition d = new Definition(name, null);
        d.lines.add(value);
        defs.remove(name);
        defs.put(name, d);
    }

    /** {@code include FILE} and its variants; returns false if the line is not one. */
    private boolean include(Text t) {
        String s = t.s;
        if (!s.startsWith("include") || s.length() < 8) {
            return false;
        }
        char c7 = s.charAt(7);
        String pattern;
        boolean strict;
        if (isBlank(c7)) {
            pattern = s.substring(8).strip();
            strict = false;
        } else if ("rmwba".indexOf(c7) >= 0 && s.length() > 8 && isBlank(s.charAt(8))) {
            pattern = s.substring(9).strip();
            strict = c7 != 'r';
        } else {
            return false;
        }
        int col = t.col(0);
        if (pattern.length() >= 2 && pattern.startsWith("\"") && pattern.endsWith("\"")) {
            pattern = pattern.substring(1, pattern.length() - 1);
        }
        if (!options.includes()) {
            problems.error(t.file, t.line, col, "include: " + quoteOf(pattern) + " (expected: no include; includes are off)");
            return true;
        }
        if (includeStack.size() >= MAX_INCLUDE_DEPTH) {
            problems.error(t.file, t.line, col, "include: " + quoteOf(pattern) + " (expected: includes nested at most "
                    + MAX_INCLUDE_DEPTH + " deep)");
            return true;
        }
        List<Path> files;
        try {
            files = glob(t.dir == null ? Path.of("").toAbsolutePath() : t.dir, pattern);
        } catch (PatternSyntaxException e) {
            problems.error(t.file, t.line, col, "include: " + quoteOf(pattern) + " (expected: a glob; "
                    + e.getDescription() + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) + " of the path" : "") + ")");
            return true;
        } catch (InvalidPathException e) {
            problems.error(t.file, t.line, col, "include: " + quoteOf(pattern) + " (expected: a path; " + e.getReason() + ")");
            return true;
        } catch (IOException | RuntimeException e) {
            problems.error(t.file, t.line, col, "include: " + quoteOf(pattern) + " (expected: a readable file or glob; "
                    + reason(e) + ")");
            return true;
        }
        if (files.isEmpty()) {
            String msg = "include: " + quoteOf(pattern) + " (expected: a file the pattern matches)";
            if (strict) {
                problems.error(t.file, t.line, col, msg);
            } else {
                problems.warning(t.file, t.line, col, msg + " - nothing included");
            }
            return true;
        }
        for (Path f : files) {
            Path abs = f.toAbsolutePath().normalize();
            Path real;
            String content;
            try {
                // the real path: a file reached again through a symbolic link is the same file
                real = abs.toRealPath();
                if (includeStack.contains(real)) {
                    problems.error(t.file, t.line, col, "include: " + quoteOf(f.toString()) + " (expected: a file not already being read"
                            + (real.equals(abs) ? "" : "; it is " + real) + ")");
                    continue;
                }
                content = readBounded(abs);
            } catch (IOException e) {
                problems.error(t.file, t.line, col, "include: " + quoteOf(f.toString()) + " (expected: a readable file; "
                        + reason(e) + ")");
                continue;
            }
            if (content == null) {
                problems.error(t.file, t.line, col, "include: " + quoteOf(f.toString()) + " (expected: a file of at most "
                        + MAX_FILE_BYTES + " bytes)");
                continue;
            }
            totalBytes += content.length();
            if (totalBytes > MAX_TOTAL_BYTES) {
                problems.error(t.file, t.line, col, "include: " + quoteOf(f.toString()) + " (expected: at most "
                        + MAX_TOTAL_BYTES + " bytes read in all, the configuration and its includes)");
                aborted = true;
                return true;
            }
            includeStack.push(real);
            Definition saved = collecting;
            collecting = null;
            readText(f.toString(), content, abs.getParent());
            endDefinition();
            collecting = saved;
            includeStack.pop();
        }
        return true;
    }

    /** Why a file could not be read, in words rather than the JDK's exception names. */
    static String reason(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        } else if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        } else if (e instanceof java.nio.file.FileSystemLoopException) {
            return "a loop of symbolic links";
        } else if (e instanceof java.io.UncheckedIOException u) {
            return reason(u.getCause());
        }
        return e.getMessage() == null ? "cannot be read" : e.getMessage();
    }

    /** glob(3) as keepalived uses it: sorted matches, brace expressions, relative to {@code dir}. */
    static List<Path> glob(Path dir, String pattern) throws IOException {
        Path p = dir.resolve(pattern).normalize();
        if (!hasGlob(pattern)) {
            return Files.isRegularFile(p) ? List.of(p) : List.of();
        }
        // the longest leading part without glob characters is where to walk from
        Path root = p.getRoot() == null ? Path.of("") : p.getRoot();
        Path base = root;
        int i = 0;
        for (; i < p.getNameCount(); i++) {
            String part = p.getName(i).toString();
            if (hasGlob(part)) {
                break;
            }
            base = base.resolve(part);
        }
        int depth = p.getNameCount() - i;
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        String glob = p.toString().replace("\\", "\\\\");
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        Set<Path> found = new HashSet<>();
        try (Stream<Path> s = Files.walk(base, depth)) {
            s.filter(Files::isRegularFile).filter(m::matches).forEach(found::add);
        }
        List<Path> r = new ArrayList<>(found);
        r.sort(null);
        return r;
    }

    private static boolean hasGlob(String s) {
        for (int i = 0; i < s.length(); i++) {
            if ("*?[{".indexOf(s.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Splits a line into words and braces: a brace outside double quotes ends the words before it,
     * as keepalived's reader does; a double-quoted word is one word without its quotes.
     */
    private void tokenize(Text t) {
        String s = t.s;
        int i = 0;
        int n = s.length();
        boolean any = false;
        while (i < n) {
            char c = s.charAt(i);
            if (isBlank(c)) {
                i++;
                continue;
            }
            if (c == '{' || c == '}') {
                if (any) {
                    eol(t, i);
                    any = false;
                }
                out.add(new Token(c == '{' ? Token.Kind.OPEN : Token.Kind.CLOSE, String.valueOf(c), false, t.file, t.line, t.col(i)));
                i++;
                continue;
            }
            if (c == '"') {
                int close = s.indexOf('"', i + 1);
                if (close < 0) {
                    // decomment reported the unterminated quote; take the rest as the word
                    close = n;
                }
                out.add(new Token(Token.Kind.WORD, s.substring(i + 1, close), true, t.file, t.line, t.col(i)));
                any = true;
                i = Math.min(close + 1, n);
                continue;
            }
            int start = i;
            while (i < n && !isBlank(s.charAt(i)) && s.charAt(i) != '"' && s.charAt(i) != '{' && s.charAt(i) != '}') {
                i++;
            }
            out.add(new Token(Token.Kind.WORD, s.substring(start, i), false, t.file, t.line, t.col(start)));
            any = true;
        }
        if (any) {
            eol(t, n);
        }
    }

    private void eol(Text t, int at) {
        out.add(new Token(Token.Kind.EOL, "", false, t.file, t.line, t.col(at)));
    }
}
