package org.gpurnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VocabTest {
    private static final int SMILEY = 0x1F600;

    @Test
    void ofSortsAndDeduplicates() {
        Vocab v = Vocab.of(new int[] {'c', 'a', SMILEY, 'b', 'a', 'c'});
        assertArrayEquals(new int[] {'a', 'b', 'c', SMILEY}, v.symbols());
        assertEquals(4, v.size());
        assertEquals(0, v.id('a'));
        assertEquals(3, v.id(SMILEY));
        assertEquals(-1, v.id('z'));
        assertEquals(-1, v.id(0));
        assertEquals('c', v.symbol(2));
    }

    @Test
    void symbolsIsACopy() {
        Vocab v = Vocab.of(new int[] {'x', 'y'});
        v.symbols()[0] = 'q';
        assertEquals('x', v.symbol(0));
    }

    @Test
    void constructorValidates() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Vocab(new int[0]))
                .getMessage().contains("at least one"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Vocab(new int[] {'b', 'a'}))
                .getMessage().contains("strictly increasing"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Vocab(new int[] {'a', 'a'}))
                .getMessage().contains("strictly increasing"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Vocab(new int[] {'a', 0xD800}))
                .getMessage().contains("surrogate"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Vocab(new int[] {0x110000}))
                .getMessage().contains("not a Unicode code point"));
        assertThrows(IllegalArgumentException.class, () -> new Vocab(new int[] {-1}));
    }

    @Test
    void emojiIsOneSymbolAndRoundTrips() {
        String text = "a\uD83D\uDE00b";
        Vocab v = Vocab.of(text.codePoints().toArray());
        assertEquals(3, v.size());
        int[] ids = v.encode(text);
        assertArrayEquals(new int[] {0, 2, 1}, ids);
        assertEquals(text, v.decode(ids, 0, ids.length));
        assertEquals("\uD83D\uDE00b", v.decode(ids, 1, 3));
        assertEquals("\uD83D\uDE00", v.decode(2));
        assertEquals("", v.decode(ids, 1, 1));
    }

    @Test
    void roundTripOfLongerText() {
        String text = "First Citizen:\nBefore we proceed any further, hear me speak.\n\u00e9\u00e8 \u4e2d\u6587";
        Vocab v = Vocab.of(text.codePoints().toArray());
        int[] ids = v.encode(text);
        assertEquals(text.codePointCount(0, text.length()), ids.length);
        assertEquals(text, v.decode(ids, 0, ids.length));
    }

    @Test
    void unknownCharacterIsNamed() {
        Vocab v = Vocab.of("abc".codePoints().toArray());
        DataException e = assertThrows(DataException.class, () -> v.encode("abxc"));
        assertTrue(e.getMessage().contains("U+0078 'x'"), e.getMessage());
        assertTrue(e.getMessage().contains("at index 2"), e.getMessage());

        // Indices count code points: the emoji before the unknown char is one position.
        Vocab w = Vocab.of("a\uD83D\uDE00".codePoints().toArray());
        e = assertThrows(DataException.class, () -> w.encode("\uD83D\uDE00a\n"));
        assertTrue(e.getMessage().contains("U+000A at index 2"), e.getMessage());
        e = assertThrows(DataException.class, () -> w.encode("a\uD83D\uDE01"));
        assertTrue(e.getMessage().contains("U+1F601 '\uD83D\uDE01' at index 1"), e.getMessage());
    }

    @Test
    void describeOnlyPrintsSafeCharacters() {
        assertEquals("U+0041 'A'", Vocab.describe('A'));
        assertEquals("U+0020 ' '", Vocab.describe(' '));
        assertEquals("U+0009", Vocab.describe('\t'));
        assertEquals("U+200B", Vocab.describe(0x200B));
        assertEquals("U+00A0", Vocab.describe(0xA0));
        assertEquals("U+D800", Vocab.describe(0xD800));
    }

    @Test
    void badIdsAreRejected() {
        Vocab v = Vocab.of(new int[] {'a'});
        assertThrows(IllegalArgumentException.class, () -> v.symbol(1));
        assertThrows(IllegalArgumentException.class, () -> v.decode(new int[] {0, -1}, 0, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> v.decode(new int[] {0}, 0, 2));
    }
}
