package io.lvs4j.bgp;

import io.lvs4j.internal.Addresses;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A speaker in a process of its own, for the interop tests that kill it: {@code ROUTER_ID LOCAL_AS
 * NEIGHBOR REMOTE_AS HOLD_SECONDS IPV6_NEXT_HOP ADDRESS...}; announces the addresses, prints
 * {@code STATE <to>} for each transition and then reads commands from stdin ({@code announce A},
 * {@code withdraw A}, {@code close}); closes when stdin ends.
 */
public final class SpeakerMain {
    private SpeakerMain() {}

    public static void main(String[] args) throws Exception {
        BgpSpeaker s = BgpSpeaker.builder().routerId(args[0]).localAs(Long.parseLong(args[1]))
                .neighbor(BgpNeighbor.builder(args[2]).remoteAs(Long.parseLong(args[3]))
                        .holdTime(Duration.ofSeconds(Long.parseLong(args[4]))).ipv6NextHop(args[5]).build())
                .listener(e -> {
                    if (e instanceof BgpEvent.StateChanged sc) {
                        System.out.println("STATE " + sc.to());
                        System.out.flush();
                    }
                }).build();
        for (int i = 6; i < args.length; i++) {
            s.announce(Addresses.parse(args[i], "address"));
        }
        s.start();
        System.out.println("STARTED");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split(" ");
            if (w[0].equals("announce")) {
                s.announce(Addresses.parse(w[1], "address"));
            } else if (w[0].equals("withdraw")) {
                s.withdraw(Addresses.parse(w[1], "address"));
            } else if (w[0].equals("close")) {
                break;
            }
        }
        s.close();
    }
}
