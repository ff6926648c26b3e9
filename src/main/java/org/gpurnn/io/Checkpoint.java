package org.gpurnn.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model checkpoint: named float tensors plus string metadata, stored as a
 * <a href="https://github.com/huggingface/safetensors">safetensors</a> file so other tools can open it.
 *
 * <p>Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON padded with spaces to a multiple
 * of 8, then the raw little-endian float32 data of every tensor, back to back. The JSON maps each tensor name
 * to {@code {"dtype":"F32","shape":[...],"data_offsets":[begin,end]}} (byte offsets counted from the end of
 * the header) and {@code "__metadata__"} to a string map. gpurnn writes the metadata first and starts it with
 * {@code "format":"gpurnn-checkpoint","version":"1"}, so every checkpoint starts with the same bytes after the
 * length and {@link #looksLikeCheckpoint} can recognize one cheaply.
 */
public final class Checkpoint {
    /** Value of the {@code "format"} metadata entry. */
    public static final String FORMAT = "gpurnn-checkpoint";
    /** Version written; files with a higher version are refused. */
    public static final int VERSION = 1;

    /** Largest header accepted, as in the safetensors reference implementation. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final String METADATA_KEY = "__metadata__";
    private static final String FORMAT_KEY = "format";
    private static final String VERSION_KEY = "version";
    /** The bytes every checkpoint has right after the 8-byte length; enough to tell ours from other files. */
    private static final byte[] MAGIC =
            ("{\"" + METADATA_KEY + "\":{\"" + FORMAT_KEY + "\":\"" + FORMAT + "\"").getBytes(StandardCharsets.UTF_8);
    /** Bytes moved per read or write call; tensors are streamed through one buffer of this size. */
    private static final int CHUNK_BYTES = 1 << 20;

    private static final String HINT_NOT_OURS = "pass a file written by gpurnn train";
    private static final String HINT_CORRUPT =
            "the file is damaged (an interrupted copy?); use an earlier checkpoint or train again";

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    /**
     * One float32 tensor.
     *
     * @param name unique within a checkpoint, not empty and not {@code "__metadata__"}
     * @param shape dimensions, each at least 0 (copied); {@code []} is a scalar
     * @param data the values in row-major order, product(shape) of them; kept, not copied. As for any record
     *     with array components, equals compares the arrays by identity.
     */
    public record Tensor(String name, int[] shape, float[] data) {
        /** Checks the name and that the shape describes exactly {@code data.length} values. */
        public Tensor {
            if (name == null || name.isEmpty() || name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("tensor name must be non-empty and not " + METADATA_KEY
                        + ", got " + (name == null ? "null" : "\"" + name + "\""));
            }
            shape = shape.clone();
            long n = product(shape);
            if (n < 0) {
                throw new IllegalArgumentException("tensor " + name + ": invalid shape " + Arrays.toString(shape));
            }
            if (n != data.length) {
                throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " holds "
                        + n + " values but data has " + data.length);
            }
        }

        /** @return a copy of the dimensions */
        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** @return the name and shape, without the values */
        @Override
        public String toString() {
            return "Tensor[" + name + " " + Arrays.toString(shape) + "]";
        }
    }

    private final Map<String, String> metadata;
    private final List<Tensor> tensors;
    private final Map<String, Tensor> byName;

    /**
     * @param metadata string entries, kept in iteration order; must not contain {@code "format"} or
     *     {@code "version"}, which {@link #write} adds itself
     * @param tensors the tensors, in the order they are written; names must be unique
     * @throws IllegalArgumentException if a reserved key, a null, or a repeated tensor name is given
     */
    public Checkpoint(Map<String, String> metadata, List<Tensor> tensors) {
        Map<String, String> meta = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("checkpoint metadata may not hold null: " + e);
            }
            if (e.getKey().equals(FORMAT_KEY) || e.getKey().equals(VERSION_KEY)) {
                throw new IllegalArgumentException("checkpoint metadata key \"" + e.getKey()
                        + "\" is reserved; it is written automatically");
            }
            meta.put(e.getKey(), e.getValue());
        }
        Map<String, Tensor> index = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            if (index.put(t.name(), t) != null) {
                throw new IllegalArgumentException("checkpoint has two tensors named \"" + t.name() + "\"");
            }
        }
        this.metadata = Collections.unmodifiableMap(meta);
        this.tensors = List.copyOf(tensors);
        this.byName = index;
    }

    /** @return the metadata in insertion order, without {@code format} and {@code version}; unmodifiable */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** @return the tensors in file order; unmodifiable */
    public List<Tensor> tensors() {
        return tensors;
    }

    /**
     * @param name a tensor name
     * @return that tensor
     * @throws CheckpointException naming the missing tensor and listing the ones there are
     */
    /** Whether the checkpoint holds a tensor of this name. */
    public boolean has(String name) {
        return byName.containsKey(name);
    }

    public Tensor tensor(String name) {
        Tensor t = byName.get(name);
        if (t == null) {
            throw new CheckpointException("checkpoint has no tensor \"" + name + "\"; it has " + byName.keySet()
                    + "\nHINT: the checkpoint was saved for a different model; check the model options");
        }
        return t;
    }

    /**
     * Writes the checkpoint to {@code path.PID.tmp} and then renames that over {@code path}, so {@code path} is
     * always either the old file or the complete new one. Creates missing parent directories.
     *
     * @param path where to write
     * @throws CheckpointException naming the path if anything fails; a partial {@code .tmp} file is removed
     */
    public void write(Path path) {
        // One temporary name per process, so that two writers never share a half-written file.
        Path tmp = path.resolveSibling(path.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        boolean tmpCreated = false;
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            byte[] header = headerBytes();
            if (header.length > MAX_HEADER_BYTES) {
                throw new CheckpointException("cannot write checkpoint " + path + ": its header would be "
                        + header.length + " bytes, over the " + MAX_HEADER_BYTES + " byte limit"
                        + "\nHINT: store less metadata");
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                tmpCreated = true;
                ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                buf.putLong(header.length).flip();
                writeFully(ch, buf);
                writeFully(ch, ByteBuffer.wrap(header));
                for (Tensor t : tensors) {
                    float[] data = t.data();
                    for (int done = 0; done < data.length; ) {
                        int n = Math.min(data.length - done, CHUNK_BYTES / Float.BYTES);
                        buf.clear();
                        // The float view shares the buffer's memory and little-endian order.
                        buf.asFloatBuffer().put(data, done, n);
                        buf.limit(n * Float.BYTES);
                        writeFully(ch, buf);
                        done += n;
                    }
                }
                // Make the bytes durable before the rename makes them the checkpoint.
                ch.force(true);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            if (tmpCreated) {
                deleteQuietly(tmp);
            }
            throw new CheckpointException("cannot write checkpoint " + path + ": " + reason(e)
                    + "\nHINT: check that the directory can be written to and the disk is not full", e);
        }
    }

    /**
     * Reads and fully validates a checkpoint written by {@link #write}.
     *
     * @param path the file
     * @return the checkpoint, with {@code format} and {@code version} removed from the metadata
     * @throws CheckpointException with a message and a {@code HINT:} line if the file is missing, not a
     *     checkpoint, written by a newer version, or damaged
     */
    public static Checkpoint read(Path path) {
        if (!Files.exists(path)) {
            throw new CheckpointException("checkpoint not found: " + path.toAbsolutePath()
                    + "\nHINT: check the path, or train a model first with gpurnn train");
        }
        if (Files.isDirectory(path)) {
            throw new CheckpointException(path + " is a directory, not a checkpoint file\nHINT: " + HINT_NOT_OURS);
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(path, ch);
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + path + ": " + reason(e)
                    + "\nHINT: check that the file can be read", e);
        }
    }

    /**
     * Cheap check, without parsing, that a file starts like a gpurnn checkpoint: a plausible header length
     * followed by {@code {"__metadata__":{"format":"gpurnn-checkpoint"}. Never throws.
     *
     * @param path any path
     * @return true if the leading bytes match
     */
    public static boolean looksLikeCheckpoint(Path path) {
        if (!Files.isRegularFile(path)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < Long.BYTES + MAGIC.length) {
                return false;
            }
            ByteBuffer head = ByteBuffer.allocate(Long.BYTES + MAGIC.length).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, head, 0);
            head.flip();
            long n = head.getLong();
            if (n < MAGIC.length || n > MAX_HEADER_BYTES || Long.BYTES + n > size) {
                return false;
            }
            byte[] start = new byte[MAGIC.length];
            head.get(start);
            return Arrays.equals(start, MAGIC);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** The JSON header, padded with spaces to a multiple of 8 bytes. */
    private byte[] headerBytes() {
        JsonObject root = new JsonObject();
        JsonObject meta = new JsonObject();
        // JsonObject keeps insertion order: format and version come first, then the caller's entries.
        meta.addProperty(FORMAT_KEY, FORMAT);
        meta.addProperty(VERSION_KEY, Integer.toString(VERSION));
        metadata.forEach(meta::addProperty);
        root.add(METADATA_KEY, meta);
        long offset = 0;
        for (Tensor t : tensors) {
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", "F32");
            JsonArray shape = new JsonArray();
            for (int d : t.shape) {
                shape.add(d);
            }
            entry.add("shape", shape);
            long end = offset + (long) t.data().length * Float.BYTES;
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(end);
            entry.add("data_offsets", offsets);
            root.add(t.name(), entry);
            offset = end;
        }
        byte[] json = GSON.toJson(root).getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(json, (json.length + 7) & ~7);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    /** Where one tensor's bytes are, as the header says, before the data is read. */
    private record Entry(String name, int[] shape, long begin, long end) {
    }

    private static Checkpoint read(Path path, FileChannel ch) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        long dataStart = readHeader(path, ch, meta, entries);
        checkOffsets(path, entries, ch.size() - dataStart);

        List<Tensor> tensors = new ArrayList<>(entries.size());
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : entries) {
            float[] data = new float[(int) ((e.end - e.begin) / Float.BYTES)];
            long pos = dataStart + e.begin;
            for (int done = 0; done < data.length; ) {
                int n = Math.min(data.length - done, CHUNK_BYTES / Float.BYTES);
                buf.clear().limit(n * Float.BYTES);
                readFully(ch, buf, pos);
                buf.flip();
                buf.asFloatBuffer().get(data, done, n);
                done += n;
                pos += (long) n * Float.BYTES;
            }
            tensors.add(new Tensor(e.name, e.shape, data));
        }
        return new Checkpoint(meta, tensors);
    }

    /**
     * Reads only the header of a checkpoint: its metadata, format and version included.
     *
     * @throws CheckpointException as {@link #read} does for a missing, foreign or damaged header
     */
    public static Map<String, String> readMetadata(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new CheckpointException("checkpoint not found: " + path + "\nHINT: check the path");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            Map<String, String> meta = new LinkedHashMap<>();
            readHeader(path, ch, meta, new ArrayList<>());
            return meta;
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + path + ": " + reason(e)
                    + "\nHINT: check that the file can be read", e);
        }
    }

    /** Reads and checks the header into {@code meta} and {@code entries}; returns where the data starts. */
    private static long readHeader(Path path, FileChannel ch, Map<String, String> meta, List<Entry> entries)
            throws IOException {
        long size = ch.size();
        if (size < Long.BYTES) {
            throw new CheckpointException(path + " is too short to be a gpurnn checkpoint (" + size
                    + " bytes): it is truncated or not a checkpoint\nHINT: " + HINT_NOT_OURS);
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long headerLen = lenBuf.flip().getLong();
        // The length is unsigned on disk; a negative long is a huge value, over the limit as well.
        if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
            throw new CheckpointException(path + " is not a gpurnn checkpoint: its header length "
                    + Long.toUnsignedString(headerLen) + " is over the " + MAX_HEADER_BYTES + " byte limit"
                    + "\nHINT: " + HINT_NOT_OURS);
        }
        if (Long.BYTES + headerLen > size) {
            throw new CheckpointException(path + " is truncated or not a gpurnn checkpoint: its header length "
                    + headerLen + " is beyond the file size (" + size + " bytes)\nHINT: " + HINT_NOT_OURS);
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
        readFully(ch, headerBuf, Long.BYTES);
        headerBuf.flip();
        parseHeader(path, headerBuf, meta, entries);
        checkFormat(path, meta);
        return Long.BYTES + headerLen;
    }

    /**
     * Parses the JSON header strictly into the metadata (all of it, format and version included) and the
     * tensor entries in file order. Checks types and repeated keys but not the offsets.
     */
    private static void parseHeader(Path path, ByteBuffer header, Map<String, String> meta, List<Entry> entries) {
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(header)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(path + " is not a gpurnn checkpoint: its header is not valid UTF-8"
                    + "\nHINT: " + HINT_NOT_OURS, e);
        }
        boolean sawMetadata = false;
        try (JsonReader reader = new JsonReader(new StringReader(json))) {
            reader.setStrictness(Strictness.STRICT);
            reader.beginObject();
            java.util.Set<String> names = new java.util.HashSet<>();
            while (reader.hasNext()) {
                String name = reader.nextName();
                if (!names.add(name)) {
                    throw corrupt(path, "the header has the key \"" + name + "\" twice");
                }
                if (name.equals(METADATA_KEY)) {
                    sawMetadata = true;
                    readMetadata(path, reader, meta);
                } else {
                    entries.add(entry(path, name, JsonParser.parseReader(reader)));
                }
            }
            reader.endObject();
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new IOException("more JSON after the header object");
            }
        } catch (IOException | JsonParseException | IllegalStateException e) {
            // Malformed JSON, or the right syntax with the wrong types (such as an array where an object goes).
            throw new CheckpointException(path + " is not a gpurnn checkpoint: its header is not valid JSON of "
                    + "the expected form (" + e.getMessage() + ")\nHINT: " + HINT_NOT_OURS, e);
        }
        if (!sawMetadata) {
            throw new CheckpointException("not a gpurnn checkpoint: " + path + " has no " + METADATA_KEY
                    + " (it may be a plain safetensors file)\nHINT: " + HINT_NOT_OURS);
        }
    }

    /** Reads the metadata object, whose values must all be strings, refusing repeated keys. */
    private static void readMetadata(Path path, JsonReader reader, Map<String, String> meta) throws IOException {
        reader.beginObject();
        while (reader.hasNext()) {
            String key = reader.nextName();
            if (reader.peek() != JsonToken.STRING) {
                throw corrupt(path, "metadata \"" + key + "\" is " + reader.peek() + ", not a string");
            }
            if (meta.put(key, reader.nextString()) != null) {
                throw corrupt(path, "metadata has the key \"" + key + "\" twice");
            }
        }
        reader.endObject();
    }

    /** One tensor's header entry: {@code {"dtype":"F32","shape":[...],"data_offsets":[b,e]}}. */
    private static Entry entry(Path path, String name, JsonElement value) {
        if (!value.isJsonObject()) {
            throw corrupt(path, "the header entry of tensor \"" + name + "\" is not an object");
        }
        JsonObject obj = value.getAsJsonObject();
        JsonElement dtype = obj.get("dtype");
        if (dtype == null || !isString(dtype)) {
            throw corrupt(path, "tensor \"" + name + "\" has no dtype");
        }
        if (!dtype.getAsString().equals("F32")) {
            throw new CheckpointException(path + ": tensor \"" + name + "\" has dtype " + dtype.getAsString()
                    + ", but gpurnn reads only F32\nHINT: " + HINT_NOT_OURS);
        }
        long[] shape = longs(path, name, "shape", obj.get("shape"), -1);
        long[] offsets = longs(path, name, "data_offsets", obj.get("data_offsets"), 2);
        int[] dims = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > Integer.MAX_VALUE) {
                throw corrupt(path, "tensor \"" + name + "\" has an impossible shape " + Arrays.toString(shape));
            }
            dims[i] = (int) shape[i];
        }
        return new Entry(name, dims, offsets[0], offsets[1]);
    }

    /** A JSON array of non-negative integers that fit in a long, of the given length unless that is -1. */
    private static long[] longs(Path path, String tensor, String key, JsonElement value, int length) {
        String what = "tensor \"" + tensor + "\" has " + (value == null ? "no " + key : "an invalid " + key
                + " " + value);
        if (value == null || !value.isJsonArray() || (length >= 0 && value.getAsJsonArray().size() != length)) {
            throw corrupt(path, what);
        }
        JsonArray array = value.getAsJsonArray();
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement x = array.get(i);
            if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isNumber()) {
                throw corrupt(path, what);
            }
            try {
                out[i] = x.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                throw corrupt(path, what);
            }
            if (out[i] < 0) {
                throw corrupt(path, what);
            }
        }
        return out;
    }

    /** Requires our format name and a version we can read; removes both from {@code meta}. */
    private static void checkFormat(Path path, Map<String, String> meta) {
        String format = meta.remove(FORMAT_KEY);
        if (!FORMAT.equals(format)) {
            throw new CheckpointException("not a gpurnn checkpoint: " + path + " has "
                    + (format == null ? "no \"format\"" : "\"format\":\"" + format + "\"") + " in its metadata, not \""
                    + FORMAT + "\"\nHINT: " + HINT_NOT_OURS);
        }
        String version = meta.remove(VERSION_KEY);
        int v;
        try {
            v = Integer.parseInt(version == null ? "" : version);
        } catch (NumberFormatException e) {
            throw corrupt(path, "the metadata has " + (version == null ? "no version" : "the invalid version \""
                    + version + "\""));
        }
        if (v > VERSION) {
            throw new CheckpointException(path + " was written by a newer gpurnn (version " + v + " > " + VERSION
                    + ")\nHINT: upgrade gpurnn to read this checkpoint");
        }
        if (v < 1) {
            throw corrupt(path, "the metadata has the invalid version " + v);
        }
    }

    /**
     * The data section must be exactly the tensors back to back, as safetensors requires: every entry inside
     * it, sized for its shape, no overlaps, no gaps, nothing after the last.
     */
    private static void checkOffsets(Path path, List<Entry> entries, long dataSize) {
        for (Entry e : entries) {
            if (e.begin > e.end || e.end > dataSize) {
                throw corrupt(path, "tensor \"" + e.name + "\" has data_offsets [" + e.begin + ", " + e.end
                        + "] outside the " + dataSize + " bytes of tensor data");
            }
            long n = product(e.shape);
            if (n < 0 || n > Integer.MAX_VALUE || n * Float.BYTES != e.end - e.begin) {
                throw corrupt(path, "tensor \"" + e.name + "\" has shape " + Arrays.toString(e.shape) + " but its"
                        + " data_offsets [" + e.begin + ", " + e.end + "] span " + (e.end - e.begin) + " bytes");
            }
        }
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry prev = null;
        for (Entry e : sorted) {
            if (e.begin < expected) {
                throw corrupt(path, "the data of tensors \"" + prev.name + "\" and \"" + e.name + "\" overlap");
            }
            if (e.begin > expected) {
                throw corrupt(path, "bytes " + expected + " to " + e.begin + " of the tensor data belong to no "
                        + "tensor");
            }
            expected = e.end;
            prev = e;
        }
        if (expected != dataSize) {
            throw corrupt(path, "it has " + (dataSize - expected) + " bytes of trailing data after the last tensor");
        }
    }

    /** Number of values a shape holds, or -1 if a dimension is negative or the count overflows a long. */
    private static long product(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                return -1;
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return n;
    }

    private static CheckpointException corrupt(Path path, String what) {
        return new CheckpointException("corrupt checkpoint " + path + ": " + what + "\nHINT: " + HINT_CORRUPT);
    }

    private static boolean isString(JsonElement e) {
        return e instanceof JsonPrimitive && ((JsonPrimitive) e).isString();
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Fills the buffer's remaining space from the file at {@code pos}. */
    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new EOFException("the file ended early (it changed while being read?)");
            }
            pos += n;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // Best effort: the write already failed and that is the error worth reporting.
        }
    }

    /** The exception in words: its class and the first message found along its causes. */
    private static String reason(Throwable e) {
        String name = e.getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.isBlank()) {
                return name + ": " + m;
            }
        }
        return name;
    }
}
