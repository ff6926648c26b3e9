package org.gpurnn.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;

/**
 * A training text: its characters (code points) as ids of its own vocabulary, split 90/10 into a training
 * and a validation part the way nanoGPT's shakespeare_char does (the split is by position, not shuffled).
 */
public final class Corpus {
    /** Fraction of the text, from its start, used for training. */
    private static final double TRAIN_FRACTION = 0.9;

    private final String source;
    private final Path file;       // the file read, absolute; null for a text given in memory
    private final Vocab vocab;
    private final int[] ids;
    /** Length of the training part: ids[0 .. split) train, ids[split .. length) validate. */
    private final int split;

    private Corpus(String source, Path file, int[] codePoints) {
        this.source = source;
        this.file = file;
        this.vocab = vocabOf(codePoints);
        // Map every code point to its id in place; the code points are not needed afterwards.
        for (int i = 0; i < codePoints.length; i++) {
            codePoints[i] = vocab.id(codePoints[i]);
        }
        this.ids = codePoints;
        this.split = (int) (codePoints.length * TRAIN_FRACTION);
    }

    /**
     * Reads a UTF-8 text file.
     *
     * @param file the file
     * @return the corpus
     * @throws DataException if the file is missing, unreadable, empty or not valid UTF-8
     */
    public static Corpus read(Path file) {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw new DataException(name + " is a directory, not a text file; pass --data FILE with a UTF-8 "
                    + "text file to train on");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException("training text not found: " + file.toAbsolutePath() + "; pass --data FILE "
                    + "with the path of a UTF-8 text file, or leave --data out to use the default "
                    + DataFiles.DEFAULT + " (downloaded on first use)", e);
        } catch (AccessDeniedException e) {
            throw new DataException("cannot read " + name + ": permission denied; check the file's permissions "
                    + "or pass --data with another file", e);
        } catch (IOException e) {
            throw new DataException("cannot read " + name + ": " + reason(e)
                    + "; check the file or pass --data with another file", e);
        }
        // TODO(memory): the bytes, the decoded chars and the code points are all held at once, about seven
        // times the file size at the peak, and files over 2 GiB do not fit Java arrays at all; fine for corpora
        // of a few hundred MB, but a streaming decoder would be needed for more.
        int[] codePoints = decodeUtf8Strict(bytes, name);
        if (codePoints.length == 0) {
            throw new DataException(name + " is empty; pass --data FILE with some text to train on");
        }
        return new Corpus(name, file.toAbsolutePath().normalize(), codePoints);
    }

    /**
     * Decodes UTF-8 strictly: anything that is not well-formed UTF-8 is an error that says exactly where. A
     * byte order mark at the start (EF BB BF) is skipped.
     *
     * @param bytes the encoded text
     * @param sourceName where the bytes came from, for the error message
     * @return the code points
     * @throws DataException {@code "NAME: invalid UTF-8 at byte offset N (byte 0xNN): ..."} for a malformed,
     *     truncated or overlong sequence or an encoded surrogate; N counts bytes from the start of
     *     {@code bytes}, BOM included
     */
    public static int[] decodeUtf8Strict(byte[] bytes, String sourceName) {
        int start = hasBom(bytes) ? 3 : 0;
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        // UTF-8 never yields more UTF-16 chars than it has bytes (1 byte -> 1 char, 4 bytes -> 2 chars).
        CharBuffer out = CharBuffer.allocate(bytes.length - start);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            // On an error the decoder leaves the input position at the first byte of the bad sequence; the
            // buffer wraps the whole array, so the position is the offset in the array.
            int offset = in.position();
            throw new DataException(String.format("%s: invalid UTF-8 at byte offset %d (byte 0x%02X): %s; save the"
                            + " text as UTF-8 (for example: iconv -f LATIN1 -t UTF-8 in.txt > out.txt)",
                    sourceName, offset, bytes[offset] & 0xFF, explainUtf8Error(bytes, offset)));
        }
        if (!result.isUnderflow()) {
            // Cannot happen with the buffer sized as above; fail loudly rather than drop text.
            try {
                result.throwException();
            } catch (CharacterCodingException e) {
                throw new IllegalStateException("UTF-8 decoding of " + sourceName + " stopped early", e);
            }
        }
        out.flip();
        // Pair surrogates into code points; the decoder only emits well-formed pairs.
        int[] codePoints = new int[Character.codePointCount(out, 0, out.length())];
        int n = 0;
        for (int i = 0; i < out.length(); ) {
            int cp = Character.codePointAt(out, i);
            codePoints[n++] = cp;
            i += Character.charCount(cp);
        }
        return codePoints;
    }

    /**
     * A corpus from a string, for tests and generated text.
     *
     * @param text the text; non-empty, without unpaired surrogates
     * @param sourceName a name for messages, such as {@code "<generated>"}
     * @return the corpus
     * @throws DataException if the text is empty or has an unpaired surrogate
     */
    public static Corpus of(String text, String sourceName) {
        int[] codePoints = text.codePoints().toArray();
        if (codePoints.length == 0) {
            throw new DataException(sourceName + " is empty; there is no text to train on");
        }
        for (int i = 0; i < codePoints.length; i++) {
            int cp = codePoints[i];
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                throw new DataException(sourceName + ": unpaired surrogate " + Vocab.hex(cp) + " at character "
                        + i + "; the text is not valid Unicode");
            }
        }
        return new Corpus(sourceName, null, codePoints);
    }

    /** @return where the text came from (the file name as given, or the name passed to {@link #of}) */
    public String source() {
        return source;
    }

    /** @return the file the text was read from, as an absolute path; empty for a text given in memory */
    public java.util.Optional<Path> file() {
        return java.util.Optional.ofNullable(file);
    }

    /** @return the number of code points in the whole text */
    public int length() {
        return ids.length;
    }

    /** @return the sorted set of all code points of the whole text, training and validation part */
    public Vocab vocab() {
        return vocab;
    }

    /** @return the whole text as ids; this is the corpus's own array, not a copy, so do not modify it */
    public int[] ids() {
        return ids;
    }

    /** @return the number of characters in the training part, (int) (length * 0.9) */
    public int trainLength() {
        return split;
    }

    /** @return the number of characters in the validation part */
    public int valLength() {
        return ids.length - split;
    }

    /** @return a new array with the training part: ids[0 .. trainLength()) */
    public int[] train() {
        return Arrays.copyOfRange(ids, 0, split);
    }

    /** @return a new array with the validation part: ids[n .. length), the last 10% */
    public int[] val() {
        return Arrays.copyOfRange(ids, split, ids.length);
    }

    /** The sorted set of the code points; a bit set over all of Unicode is 136 KiB and needs no sorting. */
    private static Vocab vocabOf(int[] codePoints) {
        BitSet seen = new BitSet(Character.MAX_CODE_POINT + 1);
        for (int cp : codePoints) {
            seen.set(cp);
        }
        return new Vocab(seen.stream().toArray());
    }

    private static boolean hasBom(byte[] b) {
        return b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF;
    }

    /**
     * Why the sequence starting at {@code offset} is not UTF-8, in words. Follows the well-formed byte
     * sequences table of the Unicode standard (section 3.9, table 3-7).
     */
    static String explainUtf8Error(byte[] b, int offset) {
        int lead = b[offset] & 0xFF;
        if (lead >= 0x80 && lead <= 0xBF) {
            return "a continuation byte (10xxxxxx) without a lead byte before it";
        }
        if (lead == 0xC0 || lead == 0xC1) {
            return "overlong encoding (a 2-byte sequence for a character that fits in 1 byte)";
        }
        if (lead >= 0xF5) {
            return "this byte never occurs in UTF-8";
        }
        int len = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        // Count the continuation bytes that follow, up to what the lead byte announces.
        int have = 0;
        while (have < len - 1 && offset + 1 + have < b.length && isContinuation(b[offset + 1 + have])) {
            have++;
        }
        if (have >= 1) {
            // The second byte's range is narrower after some lead bytes; check that before completeness.
            int second = b[offset + 1] & 0xFF;
            if (lead == 0xE0 && second < 0xA0) {
                return "overlong encoding (a 3-byte sequence for a character that fits in 2 bytes)";
            }
            if (lead == 0xED && second >= 0xA0) {
                return "an encoded UTF-16 surrogate (U+D800..U+DFFF), which is not a character";
            }
            if (lead == 0xF0 && second < 0x90) {
                return "overlong encoding (a 4-byte sequence for a character that fits in 3 bytes)";
            }
            if (lead == 0xF4 && second >= 0x90) {
                return "a code point above U+10FFFF, the largest in Unicode";
            }
        }
        if (have < len - 1) {
            if (offset + 1 + have == b.length) {
                return "truncated " + len + "-byte sequence at the end of the input";
            }
            return "a " + len + "-byte sequence cut short: byte " + (have + 2) + " of it is not a continuation byte";
        }
        return "not a well-formed sequence";
    }

    private static boolean isContinuation(byte x) {
        return (x & 0xC0) == 0x80;
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
