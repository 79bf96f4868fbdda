package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.bgp.BgpNeighbor;
import io.lvs4j.bgp.BgpSpeaker;
import io.lvs4j.bgp.SessionState;
import io.lvs4j.director.Director;
import io.lvs4j.director.RouteHealthInjection;
import io.lvs4j.table.InMemoryIpvs;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpFront} in front of a director with route health injection whose neighbour does not
 * answer (a loopback port nobody listens on): its session sits in ACTIVE, a state that holds still
 * (the retry is an hour away), so /status and {@code lvs4j status --json} can be compared.
 */
class HttpFrontBgpTest {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Director director;
    private HttpFront front;
    private String base;

    @BeforeEach
    void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nobody listens there
        }
        BgpSpeaker speaker = BgpSpeaker.builder().routerId("192.0.2.11").localAs(65001).listen(false)
                .connectRetry(Duration.ofHours(1), Duration.ofHours(1))
                .neighbor(BgpNeighbor.builder("127.0.0.1").remoteAs(65000).port(port).build()).build();
        VirtualService web = VirtualService.tcp("198.51.100.10", 80)
                .realServer(RealServer.of("10.0.0.2", 80).route()).build();
        director = Director.builder().ipvs(new InMemoryIpvs()).service(web).routeHealthInjection(
                RouteHealthInjection.builder(speaker).stopDrain(Duration.ZERO).build()).start();
        front = HttpFront.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), director,
                new EventFeed(100), null);
        base = "http://127.0.0.1:" + front.address().getPort();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (director.bgpSessions().get(0).state() != SessionState.ACTIVE && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    @AfterEach
    void stop() {
        front.close();
        director.close();
    }

    private String get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void status_bgpSession_sameAsStatusJsonWithSessionAndAnnounced() throws Exception {
        assertThat(director.bgpSessions().get(0).state()).isEqualTo(SessionState.ACTIVE);
        String status = get("/status");
        assertThat(status).isEqualTo(StateFormat.json(director, director.refresh()))
                .contains("\"bgpSessions\" : [ {\n    \"neighbor\" : \"127.0.0.1\",\n    \"remoteAs\" : 65000,\n"
                        + "    \"state\" : \"ACTIVE\",")
                .contains("\"announcedAddresses\" : [ \"198.51.100.10\" ]");
    }

    @Test
    void page_bgpSession_sectionAndSessionInTheInitialState() throws Exception {
        String page = get("/");
        assertThat(page).contains("<section id=\"bgp\">", "\"bgpSessions\" : [ {", "\"state\" : \"ACTIVE\"");
    }
}
