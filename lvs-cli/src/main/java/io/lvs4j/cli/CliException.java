package io.lvs4j.cli;

import java.util.List;

/**
 * A failure the command line reports and exits on: each line of {@link #lines()} is printed on
 * stderr as {@code lvs4j: LINE}, then the process exits with {@link #exitCode()}.
 */
final class CliException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int exitCode;
    private final List<String> lines;

    CliException(int exitCode, String message) {
        this(exitCode, List.of(message));
    }

    CliException(int exitCode, List<String> lines) {
        super(String.join("\n", lines));
        this.exitCode = exitCode;
        this.lines = List.copyOf(lines);
    }

    int exitCode() {
        return exitCode;
    }

    List<String> lines() {
        return lines;
    }
}
