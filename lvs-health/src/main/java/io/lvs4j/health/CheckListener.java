package io.lvs4j.health;

/**
 * Receives every completed check's result (passed or failed, a watchdog's failure included), on
 * the monitor's thread, for meters such as a latency timer and failures by reason; must return
 * quickly and not throw. A check shared by several services' real servers is reported once.
 */
@FunctionalInterface
public interface CheckListener {
    /**
     * @param kind the check's kind: the first word of its {@link Checker#describe()}
     *     ({@code TCP_CHECK}, {@code HTTP_GET}, {@code SSL_GET}, {@code MISC_CHECK}, ...), taken
     *     once per check, not per result
     * @param result its result, with its latency and, when it failed, the reason
     */
    void onCheck(String kind, CheckResult result);
}
