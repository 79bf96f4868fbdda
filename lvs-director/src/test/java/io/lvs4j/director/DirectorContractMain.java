package io.lvs4j.director;

import io.lvs4j.netlink.Ipvs;
import io.lvs4j.table.IpvsTable;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Runs {@link DirectorContract} against the kernel's IPVS (inside the lab, for
 * {@link DirectorContractIT}): one line {@code PASS NAME} or {@code FAIL NAME: ...} per scenario,
 * the table flushed between them.
 */
public final class DirectorContractMain {
    private DirectorContractMain() {}

    public static void main(String[] args) throws Exception {
        try (Ipvs ipvs = Ipvs.open()) {
            IpvsTable kernel = ipvs;
            for (DirectorContract.Scenario s : DirectorContract.scenarios()) {
                ipvs.flush();
                try {
                    s.check().run(kernel);
                    System.out.println("PASS " + s.name());
                } catch (Throwable t) {
                    StringWriter w = new StringWriter();
                    t.printStackTrace(new PrintWriter(w));
                    System.out.println("FAIL " + s.name() + ": " + w);
                }
            }
        }
    }
}
