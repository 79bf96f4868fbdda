package io.lvs4j.director.config.internal;

import io.lvs4j.director.config.CheckerConfig;
import io.lvs4j.director.config.CheckerMapping;
import io.lvs4j.director.config.KeepalivedConfig;
import io.lvs4j.director.config.RealServerConfig;
import io.lvs4j.director.config.VirtualServerConfig;
import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.health.Check;
import io.lvs4j.internal.Preconditions;
import java.util.List;
import java.util.Map;

/**
 * Builds every checker block's check and policy as the director does at start
 * ({@link CheckerMapping}), so that what the director would refuse (BFD_CHECK, a bad
 * {@code regex}, an unreadable {@code ca}, a {@code path} with a space, a zero
 * {@code delay_before_retry} ...) is a located error of the reader, at the checker's keyword.
 */
public final class CheckerCheck {
    private CheckerCheck() {}

    /** Whether the service installs {@code rs} (by address) with port 0, as the director resolves it. */
    private static boolean installedWithoutPort(KeepalivedConfig c, VirtualServerConfig vs, RealServerConfig rs) {
        if (rs.port() != 0 && vs.port() != 0) {
            return false; // the cheap common case: a port either way
        }
        List<VirtualService> installed = LvsMapper.map(KeepalivedConfig.ofLvs(c.virtualServerGroups(), List.of(vs)),
                new Problems());
        for (VirtualService s : installed) {
            for (RealServer r : s.realServers()) {
                if (r.address().equals(rs.address()) && r.port() == 0) {
                    return true;
                }
            }
        }
        return false;
    }

    public static void check(KeepalivedConfig c, Problems problems, Map<Object, Token> locations) {
        for (VirtualServerConfig vs : c.virtualServers()) {
            for (RealServerConfig rs : vs.realServers()) {
                for (CheckerConfig cc : rs.checkers()) {
                    Token at = locations.getOrDefault(cc, locations.get(rs));
                    if (at == null) {
                        continue; // not read from a file
                    }
                    Check check;
                    try {
                        check = CheckerMapping.check(cc, c.ssl());
                        CheckerMapping.policy(cc.options(), rs, vs);
                    } catch (IllegalArgumentException e) {
                        problems.error(at, cc.type().keyword() + " " + e.getMessage());
                        continue;
                    }
                    if (check.needsPort() && check.connectPort() == 0 && installedWithoutPort(c, vs, rs)) {
                        problems.error(at, Preconditions.message(cc.type().keyword() + " port", 0,
                                "a connect_port: the real server " + rs.address().getHostAddress()
                                        + " is installed without a port (a firewall-mark or port-0 service)"));
                    }
                }
            }
        }
    }
}
