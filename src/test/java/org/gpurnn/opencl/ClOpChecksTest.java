package org.gpurnn.opencl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;

import org.gpurnn.backend.Backend;
import org.gpurnn.backend.Buf;
import org.gpurnn.backend.CellBuffers;
import org.gpurnn.backend.CellGrads;
import org.gpurnn.backend.CellType;
import org.gpurnn.backend.Optimizer;
import org.gpurnn.backend.OptimizerArgs;
import org.gpurnn.backend.Tokens;
import org.gpurnn.check.OpChecks;
import org.gpurnn.check.OpChecks.OpResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The whole harness passes on the device, and it does fail when an op is subtly broken. */
@Tag("opencl")
class ClOpChecksTest {

    @Test
    void runAllPasses() {
        ClBackend be = ClTestSupport.backend();
        long t0 = System.nanoTime();
        List<OpResult> results = OpChecks.runAll(ClTestSupport.ref(), be, ClTestSupport.SEED);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (Boolean.getBoolean("gpurnn.test.verbose")) {
            results.forEach(System.out::println);
            System.out.println(results.size() + " cases in " + ms + " ms");
        }
        List<OpResult> failed = results.stream().filter(r -> !r.pass()).collect(Collectors.toList());
        assertTrue(failed.isEmpty(), failed.size() + " of " + results.size() + " cases failed:\n"
                + failed.stream().map(OpResult::toString).collect(Collectors.joining("\n")));
    }

    /** Bugs planted on top of the real backend, with the family and tensor they must be caught in. */
    enum Sabotage {
        NONE(""),
        MATMUL_LAST_ELEMENT("matmul", "C"),
        CARRY_NOT_OVERWRITTEN("cell", "dh"),
        REDUCE_DROPS_LAST("reduce", "dst"),
        DROPOUT_OTHER_SEED("dropout", "dst", "src/dst"),
        SOFTMAX_LOSS_RELATIVE_1E4("softmax", "rowLoss"),
        GATHER_WRITES_PAST_END("embedding", "dst");

        final String family;
        final List<String> tensors;

        Sabotage(String family, String... tensors) {
            this.family = family;
            this.tensors = List.of(tensors);
        }
    }

    @ParameterizedTest
    @EnumSource(Sabotage.class)
    void brokenOpIsCaught(Sabotage sabotage) {
        Backend broken = new Saboteur(ClTestSupport.backend(), sabotage);
        List<OpResult> results = OpChecks.cases().stream()
                .filter(c -> sabotage == Sabotage.NONE || c.family().equals(sabotage.family))
                .map(c -> OpChecks.run(c, ClTestSupport.ref(), broken, ClTestSupport.SEED))
                .collect(Collectors.toList());
        List<OpResult> failed = results.stream().filter(r -> !r.pass()).collect(Collectors.toList());
        if (sabotage == Sabotage.NONE) {
            assertTrue(failed.isEmpty(), "the pass-through wrapper must pass: " + failed);
            return;
        }
        assertFalse(failed.isEmpty(), sabotage + " went unnoticed in " + results.size() + " cases");
        for (OpResult r : failed) {
            String tensor = r.firstMismatch().substring(0, r.firstMismatch().indexOf(' '));
            assertTrue(sabotage.tensors.contains(tensor), "expected a mismatch in " + sabotage.tensors + ": "
                    + r.firstMismatch());
            assertTrue(r.firstMismatch().contains("got ") && r.firstMismatch().contains("want ")
                    && r.firstMismatch().contains("elements bad"), r.firstMismatch());
        }
    }

    /** Delegates every op, except the one it breaks. Only uses the Backend interface. */
    private static final class Saboteur implements Backend {
        private final Backend be;
        private final Sabotage sabotage;

        Saboteur(Backend be, Sabotage sabotage) {
            this.be = be;
            this.sabotage = sabotage;
        }

        /** Adds delta to one element in place. */
        private void nudge(Buf b, long i, float delta) {
            float[] v = new float[1];
            be.download(b, i, v, 0, 1);
            v[0] += delta;
            be.upload(b, i, v, 0, 1);
        }

        @Override
        public String name() {
            return be.name();
        }

        @Override
        public String describe() {
            return "sabotaged " + be.describe();
        }

        @Override
        public Buf alloc(long n) {
            return be.alloc(n);
        }

        @Override
        public void upload(Buf dst, long off, float[] src, int srcOff, int n) {
            be.upload(dst, off, src, srcOff, n);
        }

        @Override
        public void download(Buf src, long off, float[] dst, int dstOff, int n) {
            be.download(src, off, dst, dstOff, n);
        }

        @Override
        public void fill(Buf dst, long off, long n, float value) {
            be.fill(dst, off, n, value);
        }

        @Override
        public void copy(Buf src, long srcOff, Buf dst, long dstOff, long n) {
            be.copy(src, srcOff, dst, dstOff, n);
        }

        @Override
        public Tokens allocTokens(int n, int vocab) {
            return be.allocTokens(n, vocab);
        }

        @Override
        public void setTokens(Tokens tokens, int[] ids) {
            be.setTokens(tokens, ids);
        }

        @Override
        public void matmul(boolean transA, boolean transB, int M, int N, int K, Buf A, long offA, Buf B, long offB,
                           Buf C, long offC, boolean accumulate) {
            be.matmul(transA, transB, M, N, K, A, offA, B, offB, C, offC, accumulate);
            if (sabotage == Sabotage.MATMUL_LAST_ELEMENT && M * N > 0) {
                nudge(C, offC + (long) M * N - 1, 1e-3f);
            }
        }

        @Override
        public void fillRows(Buf dst, long off, int rows, int cols, Buf bias, long biasOff) {
            be.fillRows(dst, off, rows, cols, bias, biasOff);
        }

        @Override
        public void colSumAcc(Buf src, long off, int rows, int cols, Buf dst, long dstOff) {
            be.colSumAcc(src, off, rows, cols, dst, dstOff);
        }

        @Override
        public void reduceSum(Buf src, long off, long n, boolean squares, Buf dst, long dstOff, boolean accumulate) {
            long m = sabotage == Sabotage.REDUCE_DROPS_LAST ? Math.max(0, n - 1) : n;
            be.reduceSum(src, off, m, squares, dst, dstOff, accumulate);
        }

        @Override
        public void gatherRows(Tokens tokens, Buf table, long tableOff, int cols, Buf bias, long biasOff,
                               Buf dst, long dstOff) {
            be.gatherRows(tokens, table, tableOff, cols, bias, biasOff, dst, dstOff);
            if (sabotage == Sabotage.GATHER_WRITES_PAST_END) {
                be.fill(dst, dstOff + (long) tokens.n * cols, 1, 0f);   // one element past the range
            }
        }

        @Override
        public void scatterAddRows(Tokens tokens, Buf src, long srcOff, int cols, Buf table, long tableOff) {
            be.scatterAddRows(tokens, src, srcOff, cols, table, tableOff);
        }

        @Override
        public void cellForward(CellType cell, int t, int B, int H, CellBuffers f) {
            be.cellForward(cell, t, B, H, f);
        }

        @Override
        public void cellBackward(CellType cell, int t, int B, int H, CellBuffers f, CellGrads g) {
            if (sabotage != Sabotage.CARRY_NOT_OVERWRITTEN) {
                be.cellBackward(cell, t, B, H, f, g);
                return;
            }
            float[] before = new float[B * H];
            be.download(g.dh(), 0, before, 0, before.length);
            be.cellBackward(cell, t, B, H, f, g);
            be.upload(g.dh(), 0, before, 0, before.length);
        }

        @Override
        public void softmaxXent(Buf logits, long off, int rows, int V, Tokens targets, Buf dlogits, long dOff,
                                float gradScale, Buf rowLoss, long rowLossOff) {
            be.softmaxXent(logits, off, rows, V, targets, dlogits, dOff, gradScale, rowLoss, rowLossOff);
            if (sabotage == Sabotage.SOFTMAX_LOSS_RELATIVE_1E4 && rows > 0) {
                float[] v = new float[1];
                be.download(rowLoss, rowLossOff, v, 0, 1);
                nudge(rowLoss, rowLossOff, 1e-4f * Math.max(Math.abs(v[0]), 1f));
            }
        }

        @Override
        public void dropout(Buf src, long srcOff, Buf dst, long dstOff, long n, float p, long seed) {
            be.dropout(src, srcOff, dst, dstOff, n, p, sabotage == Sabotage.DROPOUT_OTHER_SEED ? seed + 1 : seed);
        }

        @Override
        public void tanhForward(Buf x, long xOff, Buf y, long yOff, long n) {
            be.tanhForward(x, xOff, y, yOff, n);
        }

        @Override
        public void tanhBackward(Buf y, long yOff, Buf dy, long dyOff, Buf dx, long dxOff, long n) {
            be.tanhBackward(y, yOff, dy, dyOff, dx, dxOff, n);
        }

        @Override
        public void optimizerStep(Optimizer opt, long n, Buf params, Buf grads, Buf s1, Buf s2, Buf sumSq,
                                  float clip, OptimizerArgs args) {
            be.optimizerStep(opt, n, params, grads, s1, s2, sumSq, clip, args);
        }

        @Override
        public void finish() {
            be.finish();
        }

        @Override
        public void close() {
            // The shared backend is closed at JVM exit.
        }
    }
}
