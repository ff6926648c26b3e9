package org.gpurnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusTest {
    @TempDir
    Path dir;

    @Test
    void emojiCountsAsOneCharacter() {
        Corpus c = Corpus.of("a\uD83D\uDE00b", "t");
        assertEquals(3, c.length());
        assertEquals(3, c.vocab().size());
        assertArrayEquals(new int[] {'a', 'b', 0x1F600}, c.vocab().symbols());
        assertArrayEquals(new int[] {0, 2, 1}, c.ids());
        assertEquals("t", c.source());
    }

    @Test
    void vocabIsSortedAndCoversTheWholeText() {
        // 'z' occurs only in the validation part and must still be in the vocabulary.
        Corpus c = Corpus.of("bbbbbbbbbaz", "t");
        assertArrayEquals(new int[] {'a', 'b', 'z'}, c.vocab().symbols());
        assertEquals("bbbbbbbbbaz", c.vocab().decode(c.ids(), 0, c.length()));
    }

    @Test
    void splitIsNinetyTen() {
        for (int len : new int[] {1, 9, 10, 11, 19, 100, 1001, 1_115_394}) {
            char[] chars = new char[len];
            for (int i = 0; i < len; i++) {
                chars[i] = (char) ('a' + i % 26);
            }
            Corpus c = Corpus.of(new String(chars), "t");
            int n = (int) (len * 0.9);
            assertEquals(n, c.train().length, "train of " + len);
            assertEquals(len - n, c.val().length, "val of " + len);
            assertArrayEquals(Arrays.copyOfRange(c.ids(), 0, n), c.train());
            assertArrayEquals(Arrays.copyOfRange(c.ids(), n, len), c.val());
        }
        // The numbers of tiny Shakespeare, as nanoGPT reports them.
        Corpus c = Corpus.of("x".repeat(1_115_394), "t");
        assertEquals(1_003_854, c.train().length);
        assertEquals(111_540, c.val().length);
    }

    @Test
    void readsUtf8FileAndSkipsBom() throws Exception {
        Path f = dir.resolve("in.txt");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        b.write("h\u00e9\u20ac\uD83D\uDE00".getBytes(StandardCharsets.UTF_8));
        Files.write(f, b.toByteArray());
        Corpus c = Corpus.read(f);
        assertEquals(4, c.length());
        assertEquals("h\u00e9\u20ac\uD83D\uDE00", c.vocab().decode(c.ids(), 0, 4));
        assertEquals(f.toString(), c.source());
    }

    @Test
    void missingFileSaysWhereAndHowToPassData() {
        Path f = dir.resolve("nope.txt");
        DataException e = assertThrows(DataException.class, () -> Corpus.read(f));
        assertTrue(e.getMessage().contains(f.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("--data"), e.getMessage());
    }

    @Test
    void emptyFileAndDirectoryAreRejected() throws Exception {
        Path f = dir.resolve("empty.txt");
        Files.write(f, new byte[0]);
        assertTrue(assertThrows(DataException.class, () -> Corpus.read(f)).getMessage().contains("is empty"));
        // A file holding only a byte order mark has no text either.
        Files.write(f, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        assertTrue(assertThrows(DataException.class, () -> Corpus.read(f)).getMessage().contains("is empty"));
        assertTrue(assertThrows(DataException.class, () -> Corpus.read(dir)).getMessage().contains("directory"));
        assertThrows(DataException.class, () -> Corpus.of("", "t"));
    }

    @Test
    void unpairedSurrogateInStringIsRejected() {
        DataException e = assertThrows(DataException.class, () -> Corpus.of("ab\uD800c", "gen"));
        assertTrue(e.getMessage().contains("U+D800 at character 2"), e.getMessage());
    }

    @Test
    void malformedFileReportsByteOffset() throws Exception {
        Path f = dir.resolve("latin1.txt");
        Files.write(f, "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        DataException e = assertThrows(DataException.class, () -> Corpus.read(f));
        assertTrue(e.getMessage().startsWith(f + ": invalid UTF-8 at byte offset 3 (byte 0xE9): "), e.getMessage());
    }

    /** Bytes of {@code prefix} in UTF-8 followed by the given raw bytes. */
    private static byte[] bytes(String prefix, int... raw) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(p, p.length + raw.length);
        for (int i = 0; i < raw.length; i++) {
            out[p.length + i] = (byte) raw[i];
        }
        return out;
    }

    private static String decodeError(byte[] b) {
        return assertThrows(DataException.class, () -> Corpus.decodeUtf8Strict(b, "in.txt")).getMessage();
    }

    private static void assertError(byte[] b, int offset, int badByte, String why) {
        String m = decodeError(b);
        String head = String.format("in.txt: invalid UTF-8 at byte offset %d (byte 0x%02X): ", offset, badByte);
        assertTrue(m.startsWith(head), m);
        assertTrue(m.contains(why), m);
    }

    @Test
    void eachKindOfMalformedUtf8HasItsExactOffset() {
        assertError(bytes("abc", 0x80), 3, 0x80, "continuation byte");
        assertError(bytes("abc", 0x80, 'd'), 3, 0x80, "continuation byte");
        assertError(bytes("abc", 0xE2, 0x82), 3, 0xE2, "truncated 3-byte sequence at the end");
        assertError(bytes("abc", 0xC0, 0xAF), 3, 0xC0, "overlong");
        assertError(bytes("abc", 0xE0, 0x80, 0xAF), 3, 0xE0, "overlong");
        assertError(bytes("abc", 0xF0, 0x80, 0x80, 0xAF), 3, 0xF0, "overlong");
        assertError(bytes("abc", 0xED, 0xA0, 0x80), 3, 0xED, "surrogate");
        assertError(bytes("abc", 0xED, 0xBF, 0xBF, 'x'), 3, 0xED, "surrogate");
        assertError(bytes("abc", 0xFF), 3, 0xFF, "never occurs");
        assertError(bytes("abc", 0xF5, 0x80, 0x80, 0x80), 3, 0xF5, "never occurs");
        assertError(bytes("abc", 0xF4, 0x90, 0x80, 0x80), 3, 0xF4, "above U+10FFFF");
        assertError(bytes("abc", 0xE2, 'x', 'y'), 3, 0xE2, "cut short");
        assertError(bytes("", 0xF0, 0x9F, 0x98), 0, 0xF0, "truncated 4-byte sequence");
    }

    @Test
    void offsetCountsBytesNotCharacters() {
        // "é€😀" is 2 + 3 + 4 = 9 bytes but 3 characters (4 UTF-16 chars).
        assertError(bytes("\u00e9\u20ac\uD83D\uDE00", 0x80), 9, 0x80, "continuation byte");
        assertError(bytes("\u00e9\u20ac\uD83D\uDE00z", 0xC1, 0xBF), 10, 0xC1, "overlong");
        // The byte order mark counts too: offsets are into the file as it is.
        assertError(bytes("\uFEFFab", 0xFF), 5, 0xFF, "never occurs");
        // Valid text before and after the error, far into a larger input.
        String big = "\u00e9".repeat(5000);
        byte[] b = bytes(big, 0xE2, 0x28, 0xA1);
        assertError(b, 10_000, 0xE2, "cut short");
    }

    @Test
    void validInputDecodes() {
        assertArrayEquals(new int[0], Corpus.decodeUtf8Strict(new byte[0], "x"));
        assertArrayEquals(new int[] {'a', 0xE9, 0x20AC, 0x1F600, 0x10FFFF},
                Corpus.decodeUtf8Strict(bytes("a\u00e9\u20ac\uD83D\uDE00\uDBFF\uDFFF"), "x"));
        assertArrayEquals(new int[] {'a'}, Corpus.decodeUtf8Strict(bytes("", 0xEF, 0xBB, 0xBF, 'a'), "x"));
        // Only a leading BOM is skipped; one later on is the character U+FEFF.
        assertArrayEquals(new int[] {'a', 0xFEFF}, Corpus.decodeUtf8Strict(bytes("a\uFEFF"), "x"));
    }
}
