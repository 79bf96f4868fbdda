package io.lvs4j.metrics;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A small streaming JSON writer (no library: the library modules carry no Jackson): objects,
 * arrays, strings with every character JSON requires escaped, numbers, booleans and null; compact
 * on one line, or pretty with two-space indentation and {@code "name" : value}.
 */
final class JsonWriter {
    private final StringBuilder out;
    private final boolean pretty;
    /** Per open container: whether it has had an element yet. */
    private final Deque<boolean[]> open = new ArrayDeque<>();
    private boolean afterName;

    JsonWriter(StringBuilder out, boolean pretty) {
        this.out = out;
        this.pretty = pretty;
    }

    JsonWriter beginObject() {
        beforeValue();
        out.append('{');
        open.push(new boolean[1]);
        return this;
    }

    JsonWriter endObject() {
        return end('}');
    }

    JsonWriter beginArray() {
        beforeValue();
        out.append('[');
        open.push(new boolean[1]);
        return this;
    }

    JsonWriter endArray() {
        return end(']');
    }

    private JsonWriter end(char c) {
        boolean any = open.pop()[0];
        if (pretty) {
            if (any) {
                newline();
            } else {
                out.append(' ');
            }
        }
        out.append(c);
        return this;
    }

    JsonWriter name(String name) {
        separator();
        string(name);
        out.append(pretty ? " : " : ":");
        afterName = true;
        return this;
    }

    JsonWriter value(String s) {
        beforeValue();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        return this;
    }

    JsonWriter value(long n) {
        beforeValue();
        out.append(n);
        return this;
    }

    JsonWriter value(boolean b) {
        beforeValue();
        out.append(b);
        return this;
    }

    JsonWriter nullValue() {
        beforeValue();
        out.append("null");
        return this;
    }

    JsonWriter field(String name, String value) {
        return name(name).value(value);
    }

    JsonWriter field(String name, long value) {
        return name(name).value(value);
    }

    JsonWriter field(String name, boolean value) {
        return name(name).value(value);
    }

    private void beforeValue() {
        if (afterName) {
            afterName = false;
            return;
        }
        separator();
    }

    private void separator() {
        if (open.isEmpty()) {
            return;
        }
        boolean[] any = open.peek();
        if (any[0]) {
            out.append(',');
        }
        any[0] = true;
        if (pretty) {
            newline();
        }
    }

    private void newline() {
        out.append('\n');
        for (int i = 0; i < open.size(); i++) {
            out.append("  ");
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029'
                            || (Character.isSurrogate(c) && !pairedSurrogate(s, i))) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Whether the surrogate at i is half of a well-formed pair (then it is written as it is). */
    private static boolean pairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
