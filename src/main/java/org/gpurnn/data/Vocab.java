package org.gpurnn.data;

import java.util.Arrays;

/**
 * The symbols of a character-level model: a strictly increasing list of Unicode code points, where a
 * symbol's id is its position in the list. Code points rather than UTF-16 chars, so that a character outside
 * the Basic Multilingual Plane (an emoji, say) is one symbol and never two halves of a surrogate pair.
 */
public final class Vocab {
    /** Code points in strictly increasing order; the index is the id. */
    private final int[] symbols;

    /**
     * Builds a vocabulary from code points already in order.
     *
     * @param symbols code points, strictly increasing, non-empty, each a valid Unicode scalar value (not a
     *     surrogate); the array is copied
     * @throws IllegalArgumentException naming the offending entry if any of that does not hold
     */
    public Vocab(int[] symbols) {
        if (symbols == null || symbols.length == 0) {
            throw new IllegalArgumentException("vocab: needs at least one symbol");
        }
        for (int i = 0; i < symbols.length; i++) {
            int cp = symbols[i];
            if (!Character.isValidCodePoint(cp)) {
                throw new IllegalArgumentException("vocab: symbol " + i + " is " + cp + ", not a Unicode code point");
            }
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                throw new IllegalArgumentException("vocab: symbol " + i + " is the surrogate " + hex(cp)
                        + ", which is not a character on its own");
            }
            if (i > 0 && cp <= symbols[i - 1]) {
                throw new IllegalArgumentException("vocab: symbols must be strictly increasing, but symbol " + i
                        + " (" + hex(cp) + ") follows " + hex(symbols[i - 1]));
            }
        }
        this.symbols = symbols.clone();
    }

    /**
     * The vocabulary of the distinct code points given, in any order and with repeats.
     *
     * @param codePoints code points; at least one
     * @return the sorted set of them
     * @throws IllegalArgumentException if empty or if one is not a valid, non-surrogate code point
     */
    public static Vocab of(int[] codePoints) {
        int[] sorted = codePoints.clone();
        Arrays.sort(sorted);
        // Squeeze out repeats in place; n is the length of the distinct prefix.
        int n = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (n == 0 || sorted[i] != sorted[n - 1]) {
                sorted[n++] = sorted[i];
            }
        }
        return new Vocab(Arrays.copyOf(sorted, n));
    }

    /** @return the number of symbols */
    public int size() {
        return symbols.length;
    }

    /** @return a copy of the code points, in id order */
    public int[] symbols() {
        return symbols.clone();
    }

    /**
     * @param codePoint a code point
     * @return its id, or -1 if it is not in the vocabulary
     */
    public int id(int codePoint) {
        int i = Arrays.binarySearch(symbols, codePoint);
        return i >= 0 ? i : -1;
    }

    /**
     * @param id a symbol id
     * @return the code point with that id
     * @throws IllegalArgumentException if the id is outside [0, size)
     */
    public int symbol(int id) {
        if (id < 0 || id >= symbols.length) {
            throw new IllegalArgumentException("vocab: id " + id + " is outside [0, " + symbols.length + ")");
        }
        return symbols[id];
    }

    /**
     * Turns text into ids, one per code point.
     *
     * @param text the text
     * @return its ids
     * @throws DataException naming the first character that is not in the vocabulary and its index (counted in
     *     code points, like the ids)
     */
    public int[] encode(String text) {
        int[] out = new int[text.codePointCount(0, text.length())];
        int n = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int id = id(cp);
            if (id < 0) {
                throw new DataException("the character " + describe(cp) + " at index " + n
                        + " is not in the model's vocabulary of " + symbols.length
                        + " characters; use only characters that occur in the training text");
            }
            out[n++] = id;
            i += Character.charCount(cp);
        }
        return out;
    }

    /**
     * Turns ids back into text.
     *
     * @param ids symbol ids
     * @param from first index of {@code ids} to decode
     * @param to one past the last index to decode
     * @return the text
     * @throws IllegalArgumentException if an id is out of range
     * @throws IndexOutOfBoundsException if [from, to) is not inside {@code ids}
     */
    public String decode(int[] ids, int from, int to) {
        if (from < 0 || to > ids.length || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + ids.length + " ids");
        }
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            sb.appendCodePoint(symbol(ids[i]));
        }
        return sb.toString();
    }

    /**
     * @param id a symbol id
     * @return the one-character (one code point) string for it
     */
    public String decode(int id) {
        return Character.toString(symbol(id));
    }

    /** "U+XXXX" with at least four hex digits. */
    static String hex(int cp) {
        return String.format("U+%04X", cp);
    }

    /**
     * A code point for an error message: always its U+XXXX number, followed by the character in quotes when
     * it is safe to print (not a control, format, unassigned, private-use or surrogate code point, and not
     * whitespace other than the plain space).
     */
    static String describe(int cp) {
        if (isPrintable(cp)) {
            return hex(cp) + " '" + new String(Character.toChars(cp)) + "'";
        }
        return hex(cp);
    }

    private static boolean isPrintable(int cp) {
        if (!Character.isValidCodePoint(cp)) {
            return false;
        }
        if (cp == ' ') {
            return true;
        }
        if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
            return false;
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.UNASSIGNED:
            case Character.PRIVATE_USE:
            case Character.SURROGATE:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
                return false;
            default:
                return true;
        }
    }
}
