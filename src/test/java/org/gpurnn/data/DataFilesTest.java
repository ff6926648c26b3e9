package org.gpurnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The download runs against a server on the loopback interface only; nothing here reaches the network. */
class DataFilesTest {
    private static final byte[] GOOD = "First Citizen:\nBefore we proceed any further, hear me speak.\n"
            .getBytes(StandardCharsets.UTF_8);
    /** SHA-256 of {@link #GOOD}, computed independently (sha256sum). */
    private static final String GOOD_SHA = "7eb824e873f453dd5ed544db04e59d444ef359668efc68b7a8ad0e6ceae1b8a8";

    @TempDir
    Path dir;

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/good.txt", ex -> {
            requests.incrementAndGet();
            ex.sendResponseHeaders(200, GOOD.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(GOOD);
            }
        });
        server.createContext("/wrong.txt", ex -> {
            requests.incrementAndGet();
            byte[] body = "not the text you are looking for".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        // Everything else: the server's built-in 404.
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Files left in the data directory besides the target; a failed download must leave none. */
    private long leftovers(Path data) throws IOException {
        if (!Files.isDirectory(data)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(data)) {
            return s.filter(p -> !p.getFileName().toString().equals("tinyshakespeare.txt")).count();
        }
    }

    @Test
    void sha256OfKnownInputs() throws IOException {
        Path f = dir.resolve("abc.txt");
        Files.write(f, "abc".getBytes(StandardCharsets.US_ASCII));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", DataFiles.sha256(f));
        Files.write(f, GOOD);
        assertEquals(GOOD_SHA, DataFiles.sha256(f));
        Files.write(f, new byte[0]);
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", DataFiles.sha256(f));
        assertThrows(DataException.class, () -> DataFiles.sha256(dir.resolve("missing")));
    }

    @Test
    void downloadsVerifiesAndMovesIntoPlace() throws IOException {
        Path data = dir.resolve("data");
        Path got = DataFiles.defaultCorpus(data, uri("/good.txt"), GOOD_SHA);
        assertEquals(data.resolve("tinyshakespeare.txt"), got);
        assertArrayEquals(GOOD, Files.readAllBytes(got));
        assertEquals(0, leftovers(data));
        assertEquals(1, requests.get());
        // Second call: the file is there, nothing is fetched.
        assertEquals(got, DataFiles.defaultCorpus(data, uri("/good.txt"), GOOD_SHA));
        assertEquals(1, requests.get());
    }

    @Test
    void existingFileIsUsedUnverified() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path f = data.resolve("tinyshakespeare.txt");
        Files.writeString(f, "edited by the user");
        assertEquals(f, DataFiles.defaultCorpus(data, uri("/wrong.txt"), GOOD_SHA));
        assertEquals("edited by the user", Files.readString(f));
        assertEquals(0, requests.get());
    }

    @Test
    void checksumMismatchDeletesTheDownload() throws IOException {
        Path data = dir.resolve("data");
        String expected = GOOD_SHA;
        DataException e = assertThrows(DataException.class,
                () -> DataFiles.defaultCorpus(data, uri("/wrong.txt"), expected));
        String m = e.getMessage();
        assertTrue(m.contains(uri("/wrong.txt").toString()), m);
        assertTrue(m.contains("expected " + expected), m);
        assertTrue(m.contains("SHA-256 is "), m);
        assertTrue(m.contains("tinyshakespeare.txt or pass --data FILE"), m);
        assertFalse(Files.exists(data.resolve("tinyshakespeare.txt")));
        assertEquals(0, leftovers(data));
    }

    @Test
    void httpErrorIsReported() throws IOException {
        Path data = dir.resolve("data");
        DataException e = assertThrows(DataException.class,
                () -> DataFiles.defaultCorpus(data, uri("/missing.txt"), GOOD_SHA));
        String m = e.getMessage();
        assertTrue(m.contains(uri("/missing.txt").toString()), m);
        assertTrue(m.contains("HTTP 404"), m);
        assertTrue(m.contains("download it yourself to " + data.resolve("tinyshakespeare.txt")), m);
        assertTrue(m.contains("--data FILE"), m);
        assertFalse(Files.exists(data.resolve("tinyshakespeare.txt")));
        assertEquals(0, leftovers(data));
    }

    @Test
    void unreachableServerIsReported() throws IOException {
        int port;
        // Take a free loopback port and release it: nothing listens there afterwards.
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        URI dead = URI.create("http://127.0.0.1:" + port + "/input.txt");
        Path data = dir.resolve("data");
        DataException e = assertThrows(DataException.class, () -> DataFiles.defaultCorpus(data, dead, GOOD_SHA));
        String m = e.getMessage();
        assertTrue(m.startsWith("could not download the default training text from " + dead + ": "), m);
        assertTrue(m.contains("cannot connect to 127.0.0.1:" + port), m);
        assertTrue(m.contains("--data FILE"), m);
        assertEquals(0, leftovers(data));
    }

    @Test
    void defaultsPointAtTinyShakespeare() {
        assertEquals(Path.of("data", "tinyshakespeare.txt"), DataFiles.DEFAULT);
        assertTrue(DataFiles.SHAKESPEARE_URL.startsWith("https://"));
        assertEquals(64, DataFiles.SHAKESPEARE_SHA256.length());
    }
}
