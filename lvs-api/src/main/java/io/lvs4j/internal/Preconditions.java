package io.lvs4j.internal;

import java.util.Collection;
import java.util.Locale;
import java.util.Objects;

/**
 * The one place where caller mistakes become exceptions. Every message has the grammar
 * {@code name: value (expected: ...)}.
 *
 * <p>Not part of the public API; exported only to the other lvs4j modules.
 */
public final class Preconditions {
    private Preconditions() {}

    /** Formats {@code name: value (expected: expected)}, quoting string values. */
    public static String message(String name, Object value, String expected) {
        return name + ": " + render(value) + " (expected: " + expected + ")";
    }

    /** Renders a value the way messages show it: strings quoted, null as {@code null}. */
    public static String render(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof CharSequence) {
            return '"' + value.toString() + '"';
        }
        return value.toString();
    }

    public static IllegalArgumentException invalid(String name, Object value, String expected) {
        return new IllegalArgumentException(message(name, value, expected));
    }

    public static <T> T checkNotNull(T value, String name) {
        if (value == null) {
            throw new NullPointerException(message(name, null, "non-null"));
        }
        return value;
    }

    public static int checkInRange(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw invalid(name, value, min + ".." + max);
        }
        return value;
    }

    public static long checkInRange(long value, long min, long max, String name) {
        if (value < min || value > max) {
            throw invalid(name, value, min + ".." + max);
        }
        return value;
    }

    public static int checkPositive(int value, String name) {
        if (value <= 0) {
            throw invalid(name, value, "> 0");
        }
        return value;
    }

    public static void checkArgument(boolean condition, String name, Object value, String expected) {
        if (!condition) {
            throw invalid(name, value, expected);
        }
    }

    public static void checkState(boolean condition, String name, Object value, String expected) {
        if (!condition) {
            throw new IllegalStateException(message(name, value, expected));
        }
    }

    /** {@code "one of a, b, c"} for an expected-values clause. */
    public static String oneOf(Collection<?> choices) {
        StringBuilder sb = new StringBuilder("one of ");
        boolean first = true;
        for (Object c : choices) {
            if (!first) {
                sb.append(", ");
            }
            sb.append(c);
            first = false;
        }
        return sb.toString();
    }

    /** Lower-cases ASCII for case-insensitive keyword matching without locale surprises. */
    public static String lower(String s) {
        return Objects.requireNonNull(s).toLowerCase(Locale.ROOT);
    }
}
