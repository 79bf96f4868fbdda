package io.lvs4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One headless Chromium kept running on one page, driven over the Chrome DevTools Protocol (a
 * WebSocket to the page's target on a loopback port Chromium picks and writes to
 * {@code DevToolsActivePort} in its profile). {@link #close()} ends the browser by its PID (and
 * any child it left) and deletes the profile.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private int nextId;

    /** Starts {@code chromium} with a window of WIDTH x HEIGHT on URL, in a new PROFILE directory. */
    HeadlessChromium(Path chromium, Path profile, String url, int width, int height)
            throws IOException, InterruptedException {
        this.profile = profile;
        Files.createDirectories(profile);
        process = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--window-size=" + width + "," + height, url)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(profile.resolveSibling(profile.getFileName() + ".log").toFile()).start();
        try {
            Path active = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(active) || Files.readAllLines(active).isEmpty()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("chromium wrote no DevToolsActivePort in 30 s (alive: " + process.isAlive() + ")");
                }
                Thread.sleep(100);
            }
            int port = Integer.parseInt(Files.readAllLines(active).get(0).trim());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String page = null;
            for (int attempt = 0; page == null && attempt < 50; attempt++) {
                String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                page = pageTarget(list, url);
                if (page == null) {
                    Thread.sleep(100);
                }
            }
            if (page == null) {
                throw new IOException("no page target on " + url + " in chromium's /json/list");
            }
            socket = http.newWebSocketBuilder().buildAsync(URI.create(page), new Listener())
                    .get(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException | RuntimeException e) {
            close(process, profile);
            throw e;
        } catch (Exception e) {
            close(process, profile);
            throw new IOException("chromium's DevTools socket: " + e, e);
        }
    }

    /** The webSocketDebuggerUrl of the "page" target showing URL (ignoring a trailing slash). */
    @SuppressWarnings("unchecked")
    private static String pageTarget(String list, String url) throws IOException {
        for (Object o : (List<Object>) parse(list)) {
            Map<String, Object> t = (Map<String, Object>) o;
            String u = String.valueOf(t.get("url"));
            if ("page".equals(t.get("type")) && (u.equals(url) || u.equals(url + "/") || (u + "/").equals(url))) {
                return (String) t.get("webSocketDebuggerUrl");
            }
        }
        return null;
    }

    /** Sends METHOD with PARAMS (name, value, name, value...) and waits for its result. */
    @SuppressWarnings("unchecked")
    Map<String, Object> call(String method, Object... params) throws IOException, InterruptedException {
        int id;
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        StringWriter out = new StringWriter();
        synchronized (this) {
            id = ++nextId;
            pending.put(id, reply);
            try (JsonGenerator g = JSON.createGenerator(out)) {
                g.writeStartObject();
                g.writeNumberField("id", id);
                g.writeStringField("method", method);
                g.writeObjectFieldStart("params");
                for (int i = 0; i < params.length; i += 2) {
                    g.writeFieldName((String) params[i]);
                    Object v = params[i + 1];
                    if (v instanceof Boolean b) {
                        g.writeBoolean(b);
                    } else if (v instanceof Integer n) {
                        g.writeNumber(n);
                    } else {
                        g.writeString(String.valueOf(v));
                    }
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            socket.sendText(out.toString(), true).join();
        }
        Map<String, Object> m;
        try {
            m = reply.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException(method + ": no answer from chromium: " + e, e);
        } finally {
            pending.remove(id);
        }
        if (m.containsKey("error")) {
            throw new IOException(method + ": " + m.get("error"));
        }
        return (Map<String, Object>) m.get("result");
    }

    /** Runtime.evaluate of EXPRESSION in the page: its value (by value), as Java objects. */
    @SuppressWarnings("unchecked")
    Object evaluate(String expression) throws IOException, InterruptedException {
        Map<String, Object> r = call("Runtime.evaluate", "expression", expression, "returnByValue", true);
        if (r.containsKey("exceptionDetails")) {
            throw new IOException("page threw on " + expression + ": " + r.get("exceptionDetails"));
        }
        return ((Map<String, Object>) r.get("result")).get("value");
    }

    /** The rendered DOM as HTML. */
    String dom() throws IOException, InterruptedException {
        return (String) evaluate("document.documentElement.outerHTML");
    }

    /** Page.captureScreenshot of the page as it is now, as a PNG in FILE. */
    void screenshot(Path file) throws IOException, InterruptedException {
        Map<String, Object> r = call("Page.captureScreenshot", "format", "png");
        Files.write(file, Base64.getDecoder().decode((String) r.get("data")));
    }

    /** Emulates a device of WIDTH x HEIGHT CSS pixels (mobile: the page's viewport meta applies). */
    void viewport(int width, int height, boolean mobile) throws IOException, InterruptedException {
        call("Emulation.setDeviceMetricsOverride", "width", width, "height", height, "deviceScaleFactor", 1,
                "mobile", mobile);
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
        close(process, profile);
    }

    private static void close(Process process, Path profile) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // nothing more to do: the lab's directory goes with the lab
        }
    }

    /** Assembles text frames into messages and hands each reply to its caller; events are dropped. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();

        @Override
        @SuppressWarnings("unchecked")
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                try {
                    Map<String, Object> m = (Map<String, Object>) parse(message.toString());
                    if (m.get("id") instanceof Number n) {
                        CompletableFuture<Map<String, Object>> f = pending.get(n.intValue());
                        if (f != null) {
                            f.complete(m);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    pending.values().forEach(f -> f.completeExceptionally(e));
                }
                message.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            IOException e = new IOException("chromium closed the DevTools socket: " + statusCode + " " + reason);
            pending.values().forEach(f -> f.completeExceptionally(e));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }
    }

    /** JSON TEXT as Map, List, String, Number, Boolean or null. */
    static Object parse(String text) throws IOException {
        try (JsonParser p = JSON.createParser(text)) {
            p.nextToken();
            return value(p);
        }
    }

    private static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, value(p));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(value(p));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return p.getNumberValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected JSON token " + t);
        }
    }
}
