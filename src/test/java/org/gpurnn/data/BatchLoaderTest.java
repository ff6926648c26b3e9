package org.gpurnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {
    /** data[i] = i, so every id says where it came from. */
    private static int[] iota(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    @Test
    void shapeOfTheEpoch() {
        // 101 tokens, B = 4: S = 25 per stream, T = 6: 4 batches, the last position of each stream unused.
        BatchLoader l = new BatchLoader(iota(101), 4, 6);
        assertEquals(4, l.batchSize());
        assertEquals(6, l.seqLen());
        assertEquals(4, l.batchesPerEpoch());
    }

    @Test
    void timeMajorLayoutAndShiftedTargets() {
        int b = 3;
        int t = 4;
        int[] data = iota(3 * 10 + 1); // S = 10, 2 batches per epoch
        BatchLoader l = new BatchLoader(data, b, t);
        int[] x = new int[b * t];
        int[] y = new int[b * t];
        assertTrue(l.next(x, y));
        // Batch 0: stream s starts at s*S = 10*s; element t*B + s.
        assertArrayEquals(new int[] {0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23}, x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i] + 1, y[i]);
        }
        assertFalse(l.next(x, y));
        // Batch 1 continues each stream where batch 0 stopped.
        assertArrayEquals(new int[] {4, 14, 24, 5, 15, 25, 6, 16, 26, 7, 17, 27}, x);
        assertArrayEquals(new int[] {5, 15, 25, 6, 16, 26, 7, 17, 27, 8, 18, 28}, y);
    }

    @Test
    void streamsAreContiguousAndDisjoint() {
        int b = 5;
        int t = 7;
        int n = 5 * 7 * 3 + 1; // exactly 3 batches per epoch, every input used once
        BatchLoader l = new BatchLoader(iota(n), b, t);
        int[] x = new int[b * t];
        int[] y = new int[b * t];
        int[] last = new int[b];
        Set<Integer> seen = new HashSet<>();
        for (int k = 0; k < l.batchesPerEpoch(); k++) {
            l.next(x, y);
            for (int s = 0; s < b; s++) {
                for (int step = 0; step < t; step++) {
                    int v = x[step * b + s];
                    // Within a stream, ids go up by one across steps and across batches.
                    if (k > 0 || step > 0) {
                        assertEquals(last[s] + 1, v, "stream " + s + " batch " + k + " step " + step);
                    }
                    last[s] = v;
                    assertTrue(seen.add(v), "input " + v + " served twice in one epoch");
                    // Stream s stays inside its own range [s*S, s*S + S].
                    int streamLen = (n - 1) / b;
                    assertTrue(v >= s * streamLen && y[step * b + s] <= s * streamLen + streamLen);
                }
            }
        }
        assertEquals(n - 1, seen.size());
    }

    @Test
    void wrapsToTheNextEpochAndFlagsEpochStarts() {
        BatchLoader l = new BatchLoader(iota(2 * 9 + 1), 2, 3); // S = 9: 3 batches per epoch
        int[] x = new int[6];
        int[] y = new int[6];
        int[] first = new int[6];
        for (int k = 0; k < 10; k++) {
            assertEquals(k / 3, l.epoch(), "epoch before batch " + k);
            boolean start = l.next(x, y);
            assertEquals(k % 3 == 0, start, "batch " + k);
            if (k == 0) {
                first = x.clone();
            } else if (start) {
                assertArrayEquals(first, x, "epoch restarts at the stream starts");
            }
            assertEquals(k + 1, l.batchesServed());
        }
        assertEquals(3, l.epoch());
        assertEquals(10 / 3.0, l.epochProgress(), 1e-12);
    }

    @Test
    void seekRestoresThePosition() {
        int[] data = iota(4 * 50 + 3);
        BatchLoader a = new BatchLoader(data, 4, 8);
        int[] xa = new int[32];
        int[] ya = new int[32];
        for (int k = 0; k < 17; k++) {
            a.next(xa, ya);
        }
        BatchLoader b = new BatchLoader(data, 4, 8);
        b.seek(17);
        assertEquals(17, b.batchesServed());
        assertEquals(a.epoch(), b.epoch());
        assertEquals(a.epochProgress(), b.epochProgress());
        int[] xb = new int[32];
        int[] yb = new int[32];
        for (int k = 0; k < 20; k++) {
            assertEquals(a.next(xa, ya), b.next(xb, yb));
            assertArrayEquals(xa, xb);
            assertArrayEquals(ya, yb);
        }
        b.seek(0);
        assertTrue(b.next(xb, yb));
        assertEquals(0, xb[0]);
        assertThrows(IllegalArgumentException.class, () -> b.seek(-1));
    }

    @Test
    void smallestDataThatFits() {
        // B*T + 1 tokens are exactly one batch.
        BatchLoader l = new BatchLoader(iota(3 * 4 + 1), 3, 4);
        assertEquals(1, l.batchesPerEpoch());
        int[] x = new int[12];
        int[] y = new int[12];
        assertTrue(l.next(x, y));
        assertTrue(l.next(x, y));
    }

    @Test
    void tooShortDataSaysWhatToDo() {
        DataException e = assertThrows(DataException.class, () -> new BatchLoader(iota(12), 3, 4));
        String m = e.getMessage();
        assertTrue(m.contains("has 12 characters"), m);
        assertTrue(m.contains("13"), m);
        assertTrue(m.contains("--batch") && m.contains("--seq") && m.contains("more text"), m);
        // No overflow for absurd shapes.
        assertThrows(DataException.class, () -> new BatchLoader(iota(10), 1 << 20, 1 << 20));
        assertThrows(DataException.class, () -> new BatchLoader(new int[0], 1, 1));
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> new BatchLoader(iota(10), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new BatchLoader(iota(10), 1, 0));
        BatchLoader l = new BatchLoader(iota(10), 2, 2);
        assertThrows(IllegalArgumentException.class, () -> l.next(new int[3], new int[4]));
    }
}
