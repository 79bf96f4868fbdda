package io.lvs4j.director;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.lab.LabResult;
import io.lvs4j.lab.RequiresUmlLab;
import io.lvs4j.lab.UmlLab;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link DirectorContract} against the kernel's IPVS inside User-Mode Linux (one boot, every scenario). */
@RequiresUmlLab
@Tag("parallel-lab") // its own guest, nothing fixed on the host: runs beside another (pom.xml)
class DirectorContractIT {
    @Test
    void contract_kernel(UmlLab lab) throws Exception {
        LabResult r = lab.runJava(Duration.ofMinutes(3), DirectorContractMain.class);
        assertThat(r.succeeded()).as("%s", r).isTrue();
        for (DirectorContract.Scenario s : DirectorContract.scenarios()) {
            assertThat(r.stdout()).as("%s", r.stdout()).contains("PASS " + s.name() + "\n");
        }
        assertThat(r.stdout()).doesNotContain("FAIL ");
    }
}
