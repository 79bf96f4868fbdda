package io.lvs4j.director.config;

/** An HTTP status code range of {@code status_code}, e.g. 200-299; a single code has from == to. */
public record StatusRange(int from, int to) {
    public StatusRange {
        if (from < 100 || to > 999 || from > to) {
            throw new IllegalArgumentException(io.lvs4j.internal.Preconditions.message(
                    "status_code", from + "-" + to, "100..999, start <= end"));
        }
    }

    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
