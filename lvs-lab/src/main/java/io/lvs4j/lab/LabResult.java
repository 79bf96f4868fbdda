package io.lvs4j.lab;

import java.time.Duration;

/**
 * What a command inside the lab did.
 *
 * @param exitCode the script's exit status (124 when {@link #timedOut})
 * @param stdout what it printed on standard output, byte for byte (UTF-8)
 * @param stderr what it printed on standard error, followed by any message of the harness
 * @param duration wall-clock time of the whole run on the host: boot, modules, script, power-off
 * @param timedOut whether the timeout killed the guest
 * @param bootTime time from kernel start until the script started (modules loaded), as the guest
 *     measured it; zero when unknown
 */
public record LabResult(int exitCode, String stdout, String stderr, Duration duration, boolean timedOut,
        Duration bootTime) {

    public LabResult {
        if (stdout == null || stderr == null || duration == null || bootTime == null) {
            throw new NullPointerException("LabResult: null component (expected: non-null)");
        }
    }

    /** Whether the script exited with 0 in time. */
    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    /**
     * Returns this result when the script exited with 0 in time, else throws an
     * {@link AssertionError} showing the exit status, stdout and stderr.
     */
    public LabResult requireSuccess() {
        if (!succeeded()) {
            throw new AssertionError((timedOut ? "lab script timed out after " + duration.toSeconds() + " s"
                    : "lab script failed with exit status " + exitCode)
                    + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr);
        }
        return this;
    }
}
