package org.gpurnn.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.SplittableRandom;

import org.gpurnn.backend.Buf;
import org.gpurnn.backend.Dropout;
import org.gpurnn.check.OpChecks;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** fill, copy, fillRows, colSumAcc, tanh and dropout. */
@Tag("opencl")
class ClPointwiseTest {

    static List<OpChecks.Case> pointwiseCases() {
        List<OpChecks.Case> cs = ClTestSupport.cases("pointwise");
        cs.addAll(ClTestSupport.cases("dropout"));
        return cs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pointwiseCases")
    void matchesReference(OpChecks.Case c) {
        ClTestSupport.check(c);
    }

    /** The kernel's mask is Dropout.keep bit for bit, and kept values are src / (1 - p) exactly. */
    @Test
    void dropoutMaskIsBitIdenticalToDropoutKeep() {
        ClBackend be = ClTestSupport.backend();
        int n = (1 << 16) + 3;
        int off = 5;   // the mask index counts from the start of the range, not of the buffer
        float[] src = new float[n];
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < n; i++) {
            src[i] = (float) (0.5 + rnd.nextDouble());   // nonzero, so a zero output means dropped
        }
        Buf in = be.alloc(off + n);
        Buf out = be.alloc(off + n);
        be.upload(in, off, src, 0, n);
        float[] got = new float[n];
        long[] seeds = {0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0x123456789ABCDEFL,
                Dropout.hash(42, 1000)};
        float[] ps = {0f, 0.1f, 0.5f, 0.9f, 1f};
        for (long seed : seeds) {
            for (float p : ps) {
                be.dropout(in, off, out, off, n, p, seed);
                be.download(out, off, got, 0, n);
                float scale = 1.0f / (1.0f - p);
                for (int i = 0; i < n; i++) {
                    boolean keep = Dropout.keep(seed, i, p);
                    float want = keep ? (float) ((double) src[i] * scale) : 0f;
                    if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want)) {
                        fail("seed " + seed + " p " + p + " element " + i + ": keep=" + keep + ", got " + got[i]
                                + ", want " + want);
                    }
                }
            }
        }
    }

    @Test
    void dropoutDropsAboutP() {
        ClBackend be = ClTestSupport.backend();
        int n = 100_000;
        Buf b = be.alloc(n);
        be.fill(b, 0, n, 1f);
        be.dropout(b, 0, b, 0, n, 0.3f, 99L);
        float[] got = new float[n];
        be.download(b, 0, got, 0, n);
        int dropped = 0;
        for (float v : got) {
            dropped += v == 0f ? 1 : 0;
        }
        assertEquals(0.3, dropped / (double) n, 0.01);
    }
}
