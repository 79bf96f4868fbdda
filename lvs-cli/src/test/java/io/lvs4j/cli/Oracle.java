package io.lvs4j.cli;

import io.lvs4j.RealServer;
import io.lvs4j.ServiceKey;
import io.lvs4j.VirtualService;
import io.lvs4j.director.ipvsadm.IpvsadmRule;
import io.lvs4j.director.ipvsadm.IpvsadmRulesParser;
import io.lvs4j.table.IpvsStats;
import io.lvs4j.table.RealServerState;
import io.lvs4j.table.ServiceState;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real ipvsadm 1.31's outputs in {@code lab/oracle/} (recorded in User-Mode Linux), and the
 * lvs4j model of the state they show, read from the oracle's own {@code ipvsadm -Sn} output.
 */
final class Oracle {
    private Oracle() {}

    static Path dir() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("lab/oracle"))) {
                return p.resolve("lab/oracle");
            }
        }
        throw new IllegalStateException("lab/oracle not found above " + Paths.get("").toAbsolutePath());
    }

    static String text(String name) throws IOException {
        return Files.readString(dir().resolve(name), StandardCharsets.UTF_8);
    }

    /**
     * The services of an {@code ipvsadm -Sn} text, in its order, real servers included. A fwmark
     * above 2^31-1, which ipvsadm prints negative and cannot read back, is taken as the unsigned mark.
     */
    static List<VirtualService> services(String saved) throws Exception {
        StringBuilder fixed = new StringBuilder();
        for (String line : saved.split("\n")) {
            String[] t = line.split(" ");
            if (t.length > 2 && t[1].equals("-f") && t[2].startsWith("-")) {
                t[2] = Long.toString(Integer.toUnsignedLong(Integer.parseInt(t[2])));
            }
            fixed.append(String.join(" ", t)).append('\n');
        }
        Map<ServiceKey, VirtualService.Builder> services = new LinkedHashMap<>();
        for (IpvsadmRule r : new IpvsadmRulesParser("oracle").parse(new StringReader(fixed.toString()))) {
            if (r.op() == IpvsadmRule.Op.ADD_SERVICE) {
                services.put(r.key(), r.service().toBuilder());
            } else if (r.op() == IpvsadmRule.Op.ADD_SERVER) {
                services.get(r.key()).realServer(r.server());
            } else {
                throw new IllegalArgumentException("not a saved rule: " + r);
            }
        }
        List<VirtualService> out = new ArrayList<>();
        for (VirtualService.Builder b : services.values()) {
            out.add(b.build());
        }
        return out;
    }

    /** Idle states: no connections, zero counters. */
    static List<ServiceState> idle(List<VirtualService> services) {
        List<ServiceState> out = new ArrayList<>();
        for (VirtualService s : services) {
            List<RealServerState> rs = new ArrayList<>();
            for (RealServer r : s.realServers()) {
                rs.add(new RealServerState(r, 0, 0, 0, IpvsStats.ZERO));
            }
            out.add(new ServiceState(s, IpvsStats.ZERO, rs));
        }
        return out;
    }
}
