package org.gpurnn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    private static final String PREFIX = "{\"__metadata__\":{\"format\":\"gpurnn-checkpoint\",\"version\":\"1\"";

    @TempDir
    Path dir;

    private static Checkpoint sample() {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("cell", "lstm");
        meta.put("vocab", "[10,65,\"\u00e9\"]");
        meta.put("step", "1200");
        float[] special = {Float.NaN, -0.0f, 0.0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, -Float.MAX_VALUE, Float.intBitsToFloat(0x7FC00123)};
        float[] big = new float[300_000]; // more than one I/O chunk
        Random r = new Random(42);
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) r.nextGaussian();
        }
        List<Checkpoint.Tensor> ts = List.of(
                new Checkpoint.Tensor("wxh", new int[] {2, 4}, special),
                new Checkpoint.Tensor("empty", new int[] {0, 3}, new float[0]),
                new Checkpoint.Tensor("scalar", new int[] {}, new float[] {3.5f}),
                new Checkpoint.Tensor("big", new int[] {600, 500}, big),
                new Checkpoint.Tensor("b", new int[] {3}, new float[] {1, 2, 3}));
        return new Checkpoint(meta, ts);
    }

    private static void assertBitExact(float[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "element " + i);
        }
    }

    private Path written() {
        Path p = dir.resolve("ck.safetensors");
        sample().write(p);
        return p;
    }

    @Test
    void roundTripIsBitExact() {
        Checkpoint a = sample();
        Path p = dir.resolve("sub/dir/ck.safetensors"); // parents are created
        a.write(p);
        Checkpoint b = Checkpoint.read(p);
        assertEquals(List.copyOf(a.metadata().entrySet()), List.copyOf(b.metadata().entrySet()));
        assertEquals(List.of("wxh", "empty", "scalar", "big", "b"),
                b.tensors().stream().map(Checkpoint.Tensor::name).toList());
        for (Checkpoint.Tensor t : a.tensors()) {
            Checkpoint.Tensor u = b.tensor(t.name());
            assertArrayEquals(t.shape(), u.shape());
            assertBitExact(t.data(), u.data());
        }
        assertTrue(Checkpoint.looksLikeCheckpoint(p));
        assertFalse(Files.exists(dir.resolve("sub/dir/ck.safetensors.tmp")));
    }

    @Test
    void fileStartsWithLengthAndMagic() throws IOException {
        byte[] f = Files.readAllBytes(written());
        long n = ByteBuffer.wrap(f, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header length " + n);
        String header = new String(f, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith(PREFIX), header);
        // Padding is spaces only, and at most 7 of them.
        String trimmed = header.stripTrailing();
        assertTrue(n - trimmed.getBytes(StandardCharsets.UTF_8).length < 8);
        assertTrue(trimmed.endsWith("}"));
    }

    /** Reads a file the way any safetensors reader would, with no code from Checkpoint. */
    @Test
    void independentParserAgrees() throws IOException {
        Checkpoint a = sample();
        byte[] f = Files.readAllBytes(written());
        ByteBuffer bb = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) bb.getLong(0);
        JsonObject root = JsonParser.parseString(new String(f, 8, n, StandardCharsets.UTF_8)).getAsJsonObject();
        List<String> keys = new ArrayList<>(root.keySet());
        assertEquals("__metadata__", keys.get(0));
        JsonObject meta = root.getAsJsonObject("__metadata__");
        assertEquals("gpurnn-checkpoint", meta.get("format").getAsString());
        assertEquals("1", meta.get("version").getAsString());
        assertEquals("lstm", meta.get("cell").getAsString());
        assertEquals("[10,65,\"\u00e9\"]", meta.get("vocab").getAsString());
        int dataStart = 8 + n;
        long expectedBegin = 0;
        for (Checkpoint.Tensor t : a.tensors()) {
            JsonObject e = root.getAsJsonObject(t.name());
            assertEquals("F32", e.get("dtype").getAsString());
            JsonArray shape = e.getAsJsonArray("shape");
            int[] dims = new int[shape.size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = shape.get(i).getAsInt();
            }
            assertArrayEquals(t.shape(), dims);
            JsonArray off = e.getAsJsonArray("data_offsets");
            long begin = off.get(0).getAsLong();
            long end = off.get(1).getAsLong();
            assertEquals(expectedBegin, begin, "tensors are back to back in insertion order");
            assertEquals(4L * t.data().length, end - begin);
            for (int i = 0; i < t.data().length; i++) {
                assertEquals(Float.floatToRawIntBits(t.data()[i]), bb.getInt(dataStart + (int) begin + 4 * i));
            }
            expectedBegin = end;
        }
        assertEquals(f.length - dataStart, expectedBegin, "nothing after the last tensor");
    }

    @Test
    void constructorValidates() {
        Checkpoint.Tensor t = new Checkpoint.Tensor("a", new int[] {1}, new float[1]);
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(Map.of("format", "x"), List.of(t)));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(Map.of("version", "2"), List.of(t)));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint(Map.of(), List.of(t, t)));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint.Tensor("x", new int[] {2, 2}, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint.Tensor("x", new int[] {-1}, new float[0]));
        assertThrows(IllegalArgumentException.class, () -> new Checkpoint.Tensor("", new int[] {0}, new float[0]));
        assertThrows(IllegalArgumentException.class,
                () -> new Checkpoint.Tensor("__metadata__", new int[] {0}, new float[0]));
        assertThrows(IllegalArgumentException.class,
                () -> new Checkpoint.Tensor("x", new int[] {1 << 30, 1 << 30, 1 << 30, 16}, new float[0]));
        assertThrows(UnsupportedOperationException.class, () -> sample().metadata().put("k", "v"));
    }

    @Test
    void missingTensorListsWhatExists() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> sample().tensor("why"));
        assertTrue(e.getMessage().contains("\"why\""), e.getMessage());
        assertTrue(e.getMessage().contains("[wxh, empty, scalar, big, b]"), e.getMessage());
    }

    @Test
    void emptyCheckpointRoundTrips() {
        Path p = dir.resolve("empty.ckpt");
        new Checkpoint(Map.of(), List.of()).write(p);
        Checkpoint c = Checkpoint.read(p);
        assertTrue(c.metadata().isEmpty());
        assertTrue(c.tensors().isEmpty());
    }

    @Test
    void writeReplacesAnExistingFile() {
        Path p = written();
        new Checkpoint(Map.of("step", "2"), List.of()).write(p);
        assertEquals(Map.of("step", "2"), Checkpoint.read(p).metadata());
    }

    @Test
    void failedWriteLeavesTheOldFileIntact() throws IOException {
        Path p = written();
        byte[] before = Files.readAllBytes(p);
        // A directory where the temporary file goes makes the write fail before the rename.
        Path tmp = dir.resolve("ck.safetensors." + ProcessHandle.current().pid() + ".tmp");
        Files.createDirectory(tmp);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> new Checkpoint(Map.of(), List.of()).write(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("\nHINT: "), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(p));
        assertTrue(Files.isDirectory(tmp), "not ours to delete");
    }

    @Test
    void writeBelowAFileFails() throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        Path p = file.resolve("ck.safetensors");
        CheckpointException e = assertThrows(CheckpointException.class, () -> sample().write(p));
        assertTrue(e.getMessage().startsWith("cannot write checkpoint " + p), e.getMessage());
        assertEquals("x", Files.readString(file));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(file), s.toList());
        }
    }

    // ---- damaged and foreign files ----

    private static String readError(Path p) {
        return assertThrows(CheckpointException.class, () -> Checkpoint.read(p)).getMessage();
    }

    private static void assertHas(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected \"" + part + "\" in: " + message);
        }
    }

    /** Writes a file with the given JSON header (padded) and data bytes. */
    private Path craft(String json, byte[] data) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        int n = (h.length + 7) & ~7;
        ByteBuffer b = ByteBuffer.allocate(8 + n + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(n).put(h);
        for (int i = h.length; i < n; i++) {
            b.put((byte) ' ');
        }
        b.put(data);
        return Files.write(dir.resolve("crafted.safetensors"), b.array());
    }

    private static String tensor(String name, String dtype, String shape, long begin, long end) {
        return ",\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
                + "," + end + "]}";
    }

    @Test
    void craftedValidFileReads() throws IOException {
        Path p = craft(PREFIX + ",\"x\":\"y\"}" + tensor("b", "F32", "[1]", 8, 12)
                + tensor("a", "F32", "[2]", 0, 8) + "}", new byte[12]);
        Checkpoint c = Checkpoint.read(p);
        assertEquals(Map.of("x", "y"), c.metadata());
        assertEquals(List.of("b", "a"), c.tensors().stream().map(Checkpoint.Tensor::name).toList());
    }

    @Test
    void missingFile() {
        Path p = dir.resolve("nothing.safetensors");
        assertHas(readError(p), "checkpoint not found", p.toAbsolutePath().toString(), "\nHINT: ");
        assertFalse(Checkpoint.looksLikeCheckpoint(p));
    }

    @Test
    void truncatedFiles() throws IOException {
        Path p = written();
        byte[] f = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(f, 5));
        assertHas(readError(p), "too short", "(5 bytes)", "\nHINT: pass a file written by gpurnn train");
        assertFalse(Checkpoint.looksLikeCheckpoint(p));
        Files.write(p, Arrays.copyOf(f, 40));
        assertHas(readError(p), "is beyond the file size (40 bytes)", "\nHINT: ");
        assertFalse(Checkpoint.looksLikeCheckpoint(p));
        // Cut inside the tensor data: the last tensor's offsets now point past the end.
        Files.write(p, Arrays.copyOf(f, f.length - 4));
        assertHas(readError(p), "corrupt checkpoint", "\"b\"", "outside", "\nHINT: ");
        assertTrue(Checkpoint.looksLikeCheckpoint(p), "the sniff only looks at the start");
    }

    @Test
    void foreignFiles() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.txt"), "First Citizen:\nBefore we proceed any further");
        assertHas(readError(text), "not a gpurnn checkpoint", "\nHINT: pass a file written by gpurnn train");
        assertFalse(Checkpoint.looksLikeCheckpoint(text));

        // A plain safetensors file without our metadata.
        Path p = craft("{" + tensor("a", "F32", "[1]", 0, 4).substring(1) + "}", new byte[4]);
        assertHas(readError(p), "not a gpurnn checkpoint", "no __metadata__", "\nHINT: pass a file written by");
        assertFalse(Checkpoint.looksLikeCheckpoint(p));

        p = craft("{\"__metadata__\":{\"format\":\"pt\"}}", new byte[0]);
        assertHas(readError(p), "not a gpurnn checkpoint", "\"format\":\"pt\"", "\nHINT: pass a file written by");
        assertFalse(Checkpoint.looksLikeCheckpoint(p));

        assertHas(readError(dir), "directory");
        assertFalse(Checkpoint.looksLikeCheckpoint(dir));
    }

    @Test
    void flippedMagic() throws IOException {
        Path p = written();
        byte[] f = Files.readAllBytes(p);
        int at = 8 + PREFIX.indexOf("gpurnn");
        f[at] = 'G';
        Files.write(p, f);
        assertFalse(Checkpoint.looksLikeCheckpoint(p));
        assertHas(readError(p), "not a gpurnn checkpoint", "\"format\":\"Gpurnn-checkpoint\"",
                "\nHINT: pass a file written by gpurnn train");
    }

    @Test
    void newerVersion() throws IOException {
        Path p = written();
        byte[] f = Files.readAllBytes(p);
        int at = 8 + PREFIX.length() - 2;
        assertEquals('1', f[at]);
        f[at] = '2';
        Files.write(p, f);
        assertTrue(Checkpoint.looksLikeCheckpoint(p), "still ours, just newer");
        assertHas(readError(p), "written by a newer gpurnn (version 2 > 1)", "\nHINT: upgrade");

        p = craft("{\"__metadata__\":{\"format\":\"gpurnn-checkpoint\",\"version\":\"one\"}}", new byte[0]);
        assertHas(readError(p), "invalid version \"one\"");
        p = craft("{\"__metadata__\":{\"format\":\"gpurnn-checkpoint\"}}", new byte[0]);
        assertHas(readError(p), "no version");
        p = craft("{\"__metadata__\":{\"format\":\"gpurnn-checkpoint\",\"version\":1}}", new byte[0]);
        assertHas(readError(p), "not a string");
    }

    @Test
    void headerLengthOverTheLimit() throws IOException {
        Path p = written();
        byte[] f = Files.readAllBytes(p);
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 200_000_000L);
        Files.write(p, f);
        assertHas(readError(p), "header length 200000000 is over the 100000000 byte limit", "\nHINT: ");
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        Files.write(p, f);
        assertHas(readError(p), "header length 18446744073709551615 is over");
        assertFalse(Checkpoint.looksLikeCheckpoint(p));
    }

    @Test
    void invalidJson() throws IOException {
        for (String bad : new String[] {
            PREFIX + "}",                              // object not closed
            PREFIX + "},}",                            // trailing comma
            "{'__metadata__':{}}",                     // not strict JSON
            "[1,2]",                                   // not an object
            PREFIX + "}} {}",                          // two values
            PREFIX + "},\"a\":{dtype:\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}",
        }) {
            Path p = craft(bad, new byte[4]);
            assertHas(readError(p), "not a gpurnn checkpoint", "not valid JSON", "\nHINT: ");
        }
        // Bytes that are not UTF-8 in the header.
        Path p = written();
        byte[] f = Files.readAllBytes(p);
        f[8 + PREFIX.length() + 3] = (byte) 0xFF;
        Files.write(p, f);
        assertHas(readError(p), "not valid UTF-8");
    }

    @Test
    void otherDtypes() throws IOException {
        Path p = craft(PREFIX + "}" + tensor("w", "BF16", "[2]", 0, 4) + "}", new byte[4]);
        assertHas(readError(p), "tensor \"w\" has dtype BF16", "only F32", "\nHINT: ");
        p = craft(PREFIX + "},\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]);
        assertHas(readError(p), "tensor \"w\" has no dtype");
    }

    @Test
    void badOffsets() throws IOException {
        String h = PREFIX + "}";
        assertHas(readError(craft(h + tensor("a", "F32", "[2]", 0, 12) + "}", new byte[8])),
                "corrupt checkpoint", "\"a\"", "[0, 12] outside the 8 bytes");
        assertHas(readError(craft(h + tensor("a", "F32", "[2]", 8, 0) + "}", new byte[8])), "outside");
        assertHas(readError(craft(h + tensor("a", "F32", "[3]", 0, 8) + "}", new byte[8])),
                "shape [3]", "span 8 bytes");
        assertHas(readError(craft(h + tensor("a", "F32", "[2]", 0, 8) + tensor("b", "F32", "[1]", 4, 8) + "}",
                new byte[8])), "\"a\" and \"b\" overlap");
        assertHas(readError(craft(h + tensor("a", "F32", "[1]", 4, 8) + "}", new byte[8])),
                "bytes 0 to 4", "belong to no tensor");
        assertHas(readError(craft(h + tensor("a", "F32", "[1]", 0, 4) + "}", new byte[12])),
                "8 bytes of trailing data after the last tensor", "\nHINT: ");
        assertHas(readError(craft(h + tensor("a", "F32", "[1]", -4, 0) + "}", new byte[8])), "invalid data_offsets");
        assertHas(readError(craft(h + tensor("a", "F32", "[1.5]", 0, 4) + "}", new byte[4])), "invalid shape");
        assertHas(readError(craft(h + ",\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}",
                new byte[4])), "invalid data_offsets");
        assertHas(readError(craft(h + tensor("a", "F32", "[1]", 0, 4) + tensor("a", "F32", "[1]", 0, 4) + "}",
                new byte[4])), "key \"a\" twice");
    }

    @Test
    void flippedOffsetInWrittenFile() throws IOException {
        Path p = written();
        byte[] f = Files.readAllBytes(p);
        int n = (int) ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(f, 8, n, StandardCharsets.UTF_8);
        // Point "b" one float earlier, into the data of "big", keeping the header the same length.
        JsonElement root = JsonParser.parseString(header);
        long begin = root.getAsJsonObject().getAsJsonObject("b").getAsJsonArray("data_offsets").get(0).getAsLong();
        String from = "[" + begin + "," + (begin + 12) + "]";
        String to = "[" + (begin - 4) + "," + (begin + 8) + "]";
        assertEquals(from.length(), to.length());
        byte[] changed = header.replace(from, to).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(changed, 0, f, 8, n);
        Files.write(p, f);
        assertHas(readError(p), "corrupt checkpoint", "overlap");
    }
}
