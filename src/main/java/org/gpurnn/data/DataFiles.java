package org.gpurnn.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The default training text, tiny Shakespeare, fetched once into the data directory. */
public final class DataFiles {
    private static final Logger LOG = LoggerFactory.getLogger(DataFiles.class);

    /** Where the default text is downloaded from. */
    public static final String SHAKESPEARE_URL =
            "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt";
    /** SHA-256 of the file at {@link #SHAKESPEARE_URL}, lowercase hex. */
    public static final String SHAKESPEARE_SHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed";
    /** Where the default text lives, relative to the working directory. */
    public static final Path DEFAULT = Path.of("data", "tinyshakespeare.txt");

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** Limit for the whole download; the file is about 1 MiB. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);

    private DataFiles() {
    }

    /**
     * The default training text, downloaded first if it is not there yet. An existing file is returned as is,
     * unverified, since the user may have edited it. A download goes to a temporary file beside the target,
     * is checked against {@link #SHAKESPEARE_SHA256}, and only then moved into place, so an interrupted or
     * bad download never leaves a file that looks complete.
     *
     * @param dir the data directory, usually {@code Path.of("data")}; created if missing
     * @return {@code dir/tinyshakespeare.txt}
     * @throws DataException if the download fails or the checksum does not match
     */
    public static Path defaultCorpus(Path dir) {
        return defaultCorpus(dir, URI.create(SHAKESPEARE_URL), SHAKESPEARE_SHA256);
    }

    /** {@link #defaultCorpus(Path)} from another address and with another checksum; for tests. */
    static Path defaultCorpus(Path dir, URI uri, String expectedSha256) {
        Path target = dir.resolve(DEFAULT.getFileName());
        if (Files.isRegularFile(target)) {
            return target;
        }
        LOG.info("Downloading the default training text from {} to {}", uri, target);
        Path tmp = null;
        boolean madeDir = !Files.exists(dir);
        boolean saved = false;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, DEFAULT.getFileName().toString(), ".part");
            String got = download(uri, tmp);
            if (!got.equalsIgnoreCase(expectedSha256)) {
                throw new DataException("downloaded " + uri + " but its SHA-256 is " + got + ", expected "
                        + expectedSha256 + " (the download is corrupt or the file changed); download it "
                        + "yourself to " + target + " or pass --data FILE");
            }
            moveIntoPlace(tmp, target);
            tmp = null;
            saved = true;
            LOG.info("Saved {} ({} bytes, SHA-256 verified)", target, Files.size(target));
            return target;
        } catch (IOException e) {
            throw failure(uri, target, downloadReason(e, uri), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(uri, target, "interrupted", e);
        } finally {
            if (tmp != null) {
                deleteQuietly(tmp);
            }
            if (madeDir && !saved) {
                deleteQuietly(dir);  // a failed download leaves no empty folder behind
            }
        }
    }

    /**
     * SHA-256 of a file.
     *
     * @param file the file
     * @return the digest as lowercase hex
     * @throws DataException if the file cannot be read
     */
    public static String sha256(Path file) {
        MessageDigest digest = newSha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new DataException("cannot read " + file + " to compute its SHA-256: " + reason(e), e);
        }
    }

    /** Fetches {@code uri} into {@code dest} and returns the SHA-256 of what was written. */
    private static String download(URI uri, Path dest) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("the server answered HTTP " + response.statusCode());
            }
            MessageDigest digest = newSha256();
            // Hash while writing, so the file is read only once.
            try (InputStream in = new DigestInputStream(body, digest);
                 OutputStream out = Files.newOutputStream(dest)) {
                in.transferTo(out);
            }
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    /** Renames {@code tmp} to {@code target} atomically where the file system can, plainly otherwise. */
    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Why a download failed, in words. The HTTP client's connection errors often carry no message at all,
     * only a chain of exception classes, so those are told apart by the class at the root.
     */
    private static String downloadReason(IOException e, URI uri) {
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.isBlank()) {
                return reason(e);
            }
            root = t;
        }
        String hostPort = uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
        if (root instanceof UnresolvedAddressException || root instanceof UnknownHostException) {
            return "cannot resolve the host name " + uri.getHost() + " (no network or no DNS?)";
        }
        if (e instanceof ConnectException) {
            return "cannot connect to " + hostPort + " (connection refused, or no network)";
        }
        return reason(e) + (root == e ? "" : " (" + root.getClass().getSimpleName() + ")");
    }

    private static DataException failure(URI uri, Path target, String reason, Throwable cause) {
        return new DataException("could not download the default training text from " + uri + ": " + reason
                + "; download it yourself to " + target + " or pass --data FILE", cause);
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform is required to provide SHA-256.
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("Could not delete {} after the failed download: {}", p, reason(e));
        }
    }

    /**
     * The exception in words: its class and the first message found along its causes (HTTP client socket
     * errors often carry the message only on the cause). Our own plain IOExceptions are shown bare.
     */
    private static String reason(Throwable e) {
        String name = e.getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.isBlank()) {
                return e.getClass() == IOException.class ? m : name + ": " + m;
            }
        }
        return name;
    }
}
