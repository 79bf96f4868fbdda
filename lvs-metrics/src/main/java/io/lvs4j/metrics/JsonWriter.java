package io.lvs4j.metrics;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A small streaming JSON writer (no library: the library modules carry no Jackson): objects,
 * arrays, strings with every character JSON requires escaped, numbers, booleans and null; compact
 * on one line, or pretty as Jackson's default pretty printer lays JSON out (what
 * {@code lvs4j status --json} printed when it was written with Jackson): an object's fields on
 * lines of their own, indented two spaces per enclosing object, {@code "name" : value}; arrays on
 * the line, {@code [ a, b ]}, {@code [ ]} when empty.
 */
final class JsonWriter {
    private final StringBuilder out;
    private final boolean pretty;
    /** Per open container: [0] whether it has had an element yet, [1] whether it is an array. */
    private final Deque<boolean[]> open = new ArrayDeque<>();
    private int objects;
    private boolean afterName;

    JsonWriter(StringBuilder out, boolean pretty) {
        this.out = out;
        this.pretty = pretty;
    }

    JsonWriter beginObject() {
        beforeValue();
        out.append('{');
        open.push(new boolean[2]);
        objects++;
        return this;
    }

    JsonWriter endObject() {
        return end('}');
    }

    JsonWriter beginArray() {
        beforeValue();
        out.append('[');
        open.push(new boolean[] {false, true});
        return this;
    }

    JsonWriter endArray() {
        return end(']');
    }

    private JsonWriter end(char c) {
        boolean[] top = open.pop();
        if (!top[1]) {
            objects--;
        }
        if (pretty) {
            if (top[0] && !top[1]) {
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
        boolean[] top = open.peek();
        if (top[0]) {
            out.append(',');
        }
        if (pretty) {
            if (top[1]) {
                out.append(' ');
            } else {
                newline();
            }
        }
        top[0] = true;
    }

    private void newline() {
        out.append('\n');
        for (int i = 0; i < objects; i++) {
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
