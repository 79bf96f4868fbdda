package io.lvs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lvs4j.RealServer;
import io.lvs4j.VirtualService;
import io.lvs4j.director.Director;
import io.lvs4j.table.InMemoryIpvs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link HttpFront} on a loopback port in front of an in-memory director. */
class HttpFrontTest {
    private final InMemoryIpvs table = new InMemoryIpvs();
    private final EventFeed feed = new EventFeed(1000);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final VirtualService web = VirtualService.tcp("192.0.2.100", 80)
            .realServer(RealServer.of("198.51.100.2", 80).weight(3).route())
            .realServer(RealServer.of("198.51.100.3", 80).weight(1).route()).build();
    private Director director;
    private HttpFront front;
    private String base;

    @BeforeEach
    void start() throws Exception {
        director = Director.builder().ipvs(table).service(web).listener(feed).start();
        front = HttpFront.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), director, feed, null);
        base = "http://127.0.0.1:" + front.address().getPort();
    }

    @AfterEach
    void stop() {
        front.close();
        director.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void status_sameTextAsStatusJson() throws Exception {
        HttpResponse<String> r = get("/status");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.body()).isEqualTo(StateFormat.json(director, director.state())).contains("\"address\" : \"198.51.100.3\"");
        int tokens = 0;
        try (com.fasterxml.jackson.core.JsonParser p = new com.fasterxml.jackson.core.JsonFactory()
                .createParser(r.body())) {
            while (p.nextToken() != null) {
                tokens++; // a real parser reads it to the end
            }
        }
        assertThat(tokens).isGreaterThan(50);
    }

    @Test
    void metrics_prometheusTextByDefault_openMetricsWhenAsked() throws Exception {
        table.connections(web.key(), "198.51.100.2", 80, 4, 1);
        director.weight(web.key(), InetAddress.getByName("198.51.100.3"), 80, 2); // counted: after the binding
        director.refresh();
        HttpResponse<String> text = get("/metrics");
        assertThat(text.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        assertThat(text.body()).contains("lvs_backend_connections_active{local_address=\"192.0.2.100\","
                + "local_mark=\"\",local_port=\"80\",proto=\"TCP\",remote_address=\"198.51.100.2\",remote_port=\"80\"} 4.0")
                .contains("\nlvs_backend_incoming_bytes_total{", "\nlvs_service_outgoing_packets_total{",
                        "\nlvs_backend_up{", "\nlvs_kernel_changes_total{kind=\"EDIT_SERVER\"} 1.0");
        HttpResponse<String> om = get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0");
        assertThat(om.headers().firstValue("Content-Type").orElse("")).startsWith("application/openmetrics-text");
        assertThat(om.body()).endsWith("# EOF\n").contains("lvs_backend_connections_total{");
    }

    @Test
    void post_anyPath_refusedReadOnly() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/status"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void page_rendersWithTheStateInside_unknownPath404() throws Exception {
        HttpResponse<String> r = get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("<title>lvs4j status</title>", "\"address\" : \"198.51.100.2\"")
                .contains("var initialEvents = [{\"sequence\":1,")
                .doesNotContain("/*INITIAL_STATE*/", "/*INITIAL_EVENTS*/", "src=\"http", "href=\"http");
        assertThat(get("/nothing").statusCode()).isEqualTo(404);
    }

    @Test
    void events_sse_replayThenLiveInOrder() throws Exception {
        director.weight(web.key(), InetAddress.getByName("198.51.100.2"), 80, 5); // an event before connecting
        HttpResponse<java.io.InputStream> r = client.send(HttpRequest.newBuilder(URI.create(base + "/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> ids = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            director.weight(web.key(), InetAddress.getByName("198.51.100.3"), 80, 7); // live
            for (String line; ids.size() < 3 && (line = in.readLine()) != null;) {
                if (line.startsWith("id: ")) {
                    ids.add(line.substring(4));
                } else if (line.startsWith("data: ")) {
                    assertThat(line).startsWith("data: {\"sequence\":" + ids.get(ids.size() - 1) + ",");
                }
            }
        }
        assertThat(ids).containsExactly("1", "2", "3"); // the start's kernel change, then the two weights
    }

    @Test
    void events_ndjsonAfterLastEventId_onlyLaterEventsOneLineEach() throws Exception {
        director.weight(web.key(), InetAddress.getByName("198.51.100.2"), 80, 5); // #2
        director.weight(web.key(), InetAddress.getByName("198.51.100.3"), 80, 6); // #3
        HttpResponse<java.io.InputStream> r = client.send(HttpRequest.newBuilder(URI.create(base + "/events"))
                .header("Accept", "application/x-ndjson").header("Last-Event-ID", "2").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String first = in.readLine();
            assertThat(first).startsWith("{\"sequence\":3,").contains("\"kind\":\"EDIT_SERVER\"").endsWith("}");
            director.weight(web.key(), InetAddress.getByName("198.51.100.3"), 80, 7); // #4, live
            assertThat(in.readLine()).startsWith("{\"sequence\":4,");
        }
    }

    @Test
    void events_badLastEventId_400() throws Exception {
        assertThat(get("/events", "Last-Event-ID", "x").statusCode()).isEqualTo(400);
    }
}
