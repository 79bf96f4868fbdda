import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs one Jazzer fuzz target (a test class, or class#method) in this JVM, as scripts/fuzz-briefly
 * does for each target: run it with JAZZER_FUZZ=1, the module's test class path and the module
 * directory as working directory (Jazzer finds the seeds and keeps its corpus there). Exits 1 when a
 * test failed (a finding) or nothing ran.
 * <pre>java -cp LAUNCHER:CLASSPATH FuzzOne io.lvs4j.x.SomeFuzzTest[#method]</pre>
 * Each target fuzzes for its @FuzzTest maxDuration.
 */
public final class FuzzOne {
    public static void main(String[] args) throws ClassNotFoundException {
        if (args.length != 1) {
            System.err.println("usage: FuzzOne CLASS[#METHOD]");
            System.exit(2);
        }
        String target = args[0];
        int hash = target.indexOf('#');
        DiscoverySelector selector = hash < 0 ? DiscoverySelectors.selectClass(target) : method(target, hash);
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request().selectors(selector);
        LauncherDiscoveryRequest built = request.build();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LauncherFactory.create().execute(built, summary);
        TestExecutionSummary s = summary.getSummary();
        for (TestExecutionSummary.Failure f : s.getFailures()) {
            System.err.println("FAILED " + f.getTestIdentifier().getDisplayName() + ": ");
            f.getException().printStackTrace();
        }
        System.err.printf("fuzz target %s: %d tests, %d succeeded, %d failed, %d skipped, %d aborted%n", target,
                s.getTestsFoundCount(), s.getTestsSucceededCount(), s.getTotalFailureCount(),
                s.getTestsSkippedCount(), s.getTestsAbortedCount());
        System.exit(s.getTotalFailureCount() == 0 && s.getTestsSucceededCount() > 0 ? 0 : 1);
    }

    /** The one method of that name (as surefire's -Dtest=Class#method picks it: by name alone). */
    private static DiscoverySelector method(String target, int hash) throws ClassNotFoundException {
        Class<?> c = Class.forName(target.substring(0, hash), false, FuzzOne.class.getClassLoader());
        String name = target.substring(hash + 1);
        List<Method> found = Arrays.stream(c.getDeclaredMethods()).filter(m -> m.getName().equals(name)).toList();
        if (found.size() != 1) {
            System.err.println("FuzzOne: " + target + ": " + found.size() + " methods of that name (expected: 1)");
            System.exit(2);
        }
        return DiscoverySelectors.selectMethod(c, found.get(0));
    }
}
