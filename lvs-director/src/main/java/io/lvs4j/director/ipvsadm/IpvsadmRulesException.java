package io.lvs4j.director.ipvsadm;

import java.util.List;

/** Bad lines in ipvsadm rules; the message lists each as {@code source:line: problem}. */
public final class IpvsadmRulesException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public IpvsadmRulesException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
