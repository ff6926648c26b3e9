package org.gpurnn.cpu;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.gpurnn.backend.Backend;
import org.gpurnn.backend.Buf;
import org.gpurnn.backend.CellBuffers;
import org.gpurnn.backend.CellGrads;
import org.gpurnn.backend.CellType;
import org.gpurnn.backend.Dropout;
import org.gpurnn.backend.Optimizer;
import org.gpurnn.backend.OptimizerArgs;
import org.gpurnn.backend.Tokens;

/**
 * The reference backend: straightforward loops in plain Java, the specification every OpenCL kernel
 * is tested against.
 *
 * <p>Values are held in {@code double[]}. In {@link Precision#FLOAT} mode (training, sampling, and
 * the comparison with OpenCL) every stored value is rounded to float32, so storage behaves as float32
 * while sums inside one op are taken in double. In {@link Precision#DOUBLE} mode nothing is rounded;
 * the finite-difference gradient checks run the same code that way.
 *
 * <p>Matrix products are split over rows across the common fork-join pool when they are large; every
 * other op is a single sequential loop.
 *
 * <p>TODO(cpu-fast): this is the specification, not a fast path: a transposed operand is copied on
 * every call (the recurrent weights once per time step in backward), column sums walk memory by
 * column, and nothing is vectorised. A fast CPU backend, tested against this one, is planned.
 */
public final class CpuBackend implements Backend {

    /** How stored values are rounded. */
    public enum Precision { FLOAT, DOUBLE }

    /** Products with fewer multiply-adds than this stay on the calling thread. */
    private static final long PARALLEL_WORK = 1L << 17;

    /** Rows of C computed together by the matrix product. */
    private static final int ROWS = 4;

    private final Precision precision;
    private final boolean rounding;

    public CpuBackend() {
        this(Precision.FLOAT);
    }

    public CpuBackend(Precision precision) {
        this.precision = precision;
        this.rounding = precision == Precision.FLOAT;
    }

    public Precision precision() {
        return precision;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String describe() {
        return "cpu: plain-Java reference, " + Runtime.getRuntime().availableProcessors() + " threads, "
                + precision.name().toLowerCase() + " storage";
    }

    /** A buffer of this backend: a plain double array. */
    public static final class CpuBuf implements Buf {
        public final double[] a;

        CpuBuf(int n) {
            a = new double[n];
        }

        @Override
        public long size() {
            return a.length;
        }
    }

    private static final class CpuTokens extends Tokens {
        CpuTokens(int n, int vocab) {
            super(n, vocab);
        }
    }

    private static double[] d(Buf b) {
        return ((CpuBuf) b).a;
    }

    private static int i(long x) {
        return Math.toIntExact(x);
    }

    /** Rounds a value for storage: to float32 in FLOAT mode, unchanged in DOUBLE mode. */
    private double st(double x) {
        return rounding ? (double) (float) x : x;
    }

    // ---------------------------------------------------------------------------------------------
    // Memory

    @Override
    public Buf alloc(long n) {
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cpu: one buffer of this model needs " + n + " values, more than the "
                    + "2^31 a Java array holds; lower --hidden, --batch or --seq");
        }
        return new CpuBuf((int) n);
    }

    @Override
    public void upload(Buf dst, long off, float[] src, int srcOff, int n) {
        double[] a = d(dst);
        for (int k = 0; k < n; k++) {
            a[i(off) + k] = src[srcOff + k];
        }
    }

    @Override
    public void download(Buf src, long off, float[] dst, int dstOff, int n) {
        double[] a = d(src);
        for (int k = 0; k < n; k++) {
            dst[dstOff + k] = (float) a[i(off) + k];
        }
    }

    /** Double-precision upload, for the gradient checks. */
    public void uploadDouble(Buf dst, long off, double[] src) {
        System.arraycopy(src, 0, d(dst), i(off), src.length);
    }

    /** Double-precision download, for the gradient checks. */
    public double[] downloadDouble(Buf src, long off, int n) {
        return Arrays.copyOfRange(d(src), i(off), i(off) + n);
    }

    @Override
    public void fill(Buf dst, long off, long n, float value) {
        Arrays.fill(d(dst), i(off), i(off + n), value);
    }

    @Override
    public void copy(Buf src, long srcOff, Buf dst, long dstOff, long n) {
        System.arraycopy(d(src), i(srcOff), d(dst), i(dstOff), i(n));
    }

    @Override
    public Tokens allocTokens(int n, int vocab) {
        return new CpuTokens(n, vocab);
    }

    @Override
    public void setTokens(Tokens tokens, int[] ids) {
        ((CpuTokens) tokens).setHost(ids);
    }

    // ---------------------------------------------------------------------------------------------
    // Dense algebra

    @Override
    public void matmul(boolean transA, boolean transB, int M, int N, int K,
                       Buf bufA, long offA, Buf bufB, long offB, Buf bufC, long offC, boolean accumulate) {
        final double[] C = d(bufC);
        final int oc = i(offC);
        // Bring both operands to row-major op(A) (M, K) and op(B) (K, N), so that the inner loop
        // below runs along contiguous rows; a transposed copy costs K*(M or N), the product M*N*K.
        final double[] A = transA ? transpose(d(bufA), i(offA), K, M) : d(bufA);
        final int oa = transA ? 0 : i(offA);
        final double[] Bm = transB ? transpose(d(bufB), i(offB), N, K) : d(bufB);
        final int ob = transB ? 0 : i(offB);

        // Rows of C in blocks of ROWS, each row a double accumulator over k, rounded once when
        // stored. A block shares every load of op(B) between its rows.
        final int blocks = (M + ROWS - 1) / ROWS;
        IntStream work = IntStream.range(0, blocks);
        if ((long) M * N * K >= PARALLEL_WORK && blocks > 1) {
            work = work.parallel();
        }
        work.forEach(blk -> {
            int r0 = blk * ROWS, nr = Math.min(ROWS, M - r0);
            double[][] acc = new double[ROWS][N];
            for (int q = 0; q < nr; q++) {
                if (accumulate) {
                    System.arraycopy(C, oc + (r0 + q) * N, acc[q], 0, N);
                }
            }
            if (nr == ROWS) {
                double[] c0 = acc[0], c1 = acc[1], c2 = acc[2], c3 = acc[3];
                int a0 = oa + r0 * K, a1 = a0 + K, a2 = a1 + K, a3 = a2 + K;
                int k = 0;
                for (; k + 2 <= K; k += 2) {
                    double x00 = A[a0 + k], x01 = A[a0 + k + 1], x10 = A[a1 + k], x11 = A[a1 + k + 1];
                    double x20 = A[a2 + k], x21 = A[a2 + k + 1], x30 = A[a3 + k], x31 = A[a3 + k + 1];
                    int b0 = ob + k * N, b1 = b0 + N;
                    for (int j = 0; j < N; j++) {
                        double u = Bm[b0 + j], v = Bm[b1 + j];
                        c0[j] += x00 * u + x01 * v;
                        c1[j] += x10 * u + x11 * v;
                        c2[j] += x20 * u + x21 * v;
                        c3[j] += x30 * u + x31 * v;
                    }
                }
                for (; k < K; k++) {
                    double x0 = A[a0 + k], x1 = A[a1 + k], x2 = A[a2 + k], x3 = A[a3 + k];
                    int b0 = ob + k * N;
                    for (int j = 0; j < N; j++) {
                        double u = Bm[b0 + j];
                        c0[j] += x0 * u;
                        c1[j] += x1 * u;
                        c2[j] += x2 * u;
                        c3[j] += x3 * u;
                    }
                }
            } else {
                for (int q = 0; q < nr; q++) {
                    double[] c = acc[q];
                    int a = oa + (r0 + q) * K;
                    for (int k = 0; k < K; k++) {
                        double x = A[a + k];
                        int b0 = ob + k * N;
                        for (int j = 0; j < N; j++) {
                            c[j] += x * Bm[b0 + j];
                        }
                    }
                }
            }
            for (int q = 0; q < nr; q++) {
                int base = oc + (r0 + q) * N;
                for (int j = 0; j < N; j++) {
                    C[base + j] = st(acc[q][j]);
                }
            }
        });
    }

    /** The (cols, rows) transpose of the (rows, cols) matrix at {@code off}, as a new array. */
    private static double[] transpose(double[] src, int off, int rows, int cols) {
        double[] t = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            int base = off + r * cols;
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = src[base + c];
            }
        }
        return t;
    }

    @Override
    public void fillRows(Buf dst, long off, int rows, int cols, Buf bias, long biasOff) {
        double[] a = d(dst), b = d(bias);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(b, i(biasOff), a, i(off) + r * cols, cols);
        }
    }

    @Override
    public void colSumAcc(Buf src, long off, int rows, int cols, Buf dst, long dstOff) {
        double[] s = d(src), a = d(dst);
        for (int j = 0; j < cols; j++) {
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                sum += s[i(off) + r * cols + j];
            }
            a[i(dstOff) + j] = st(a[i(dstOff) + j] + sum);
        }
    }

    @Override
    public void reduceSum(Buf src, long off, long n, boolean squares, Buf dst, long dstOff, boolean accumulate) {
        double[] s = d(src);
        double sum = 0;
        for (int k = 0; k < n; k++) {
            double v = s[i(off) + k];
            sum += squares ? v * v : v;
        }
        double[] a = d(dst);
        a[i(dstOff)] = st(accumulate ? a[i(dstOff)] + sum : sum);
    }

    // ---------------------------------------------------------------------------------------------
    // Embedding

    @Override
    public void gatherRows(Tokens tokens, Buf table, long tableOff, int cols, Buf bias, long biasOff,
                           Buf dst, long dstOff) {
        double[] w = d(table), b = d(bias), out = d(dst);
        int[] ids = tokens.ids();
        for (int r = 0; r < tokens.n; r++) {
            int row = i(tableOff) + ids[r] * cols;
            int o = i(dstOff) + r * cols;
            for (int j = 0; j < cols; j++) {
                out[o + j] = st(w[row + j] + b[i(biasOff) + j]);
            }
        }
    }

    @Override
    public void scatterAddRows(Tokens tokens, Buf src, long srcOff, int cols, Buf table, long tableOff) {
        double[] s = d(src), w = d(table);
        int[] ids = tokens.ids();
        // Sum each id's rows in double first, then add once: the same grouping the kernel uses.
        double[][] sums = new double[tokens.vocab][];
        for (int r = 0; r < tokens.n; r++) {
            double[] acc = sums[ids[r]];
            if (acc == null) {
                acc = sums[ids[r]] = new double[cols];
            }
            for (int j = 0; j < cols; j++) {
                acc[j] += s[i(srcOff) + r * cols + j];
            }
        }
        for (int v = 0; v < tokens.vocab; v++) {
            if (sums[v] != null) {
                int row = i(tableOff) + v * cols;
                for (int j = 0; j < cols; j++) {
                    w[row + j] = st(w[row + j] + sums[v][j]);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Recurrent cells (equations in CellType)

    private static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    @Override
    public void cellForward(CellType cell, int t, int B, int H, CellBuffers f) {
        final int GH = cell.gates * H;
        double[] xp = d(f.xp()), hp = d(f.hp()), h = d(f.h()), act = d(f.act());
        double[] c = cell.hasCellState() ? d(f.c()) : null;
        for (int b = 0; b < B; b++) {
            int g0 = (t * B + b) * GH;          // row b of step t in (T, B, G*H)
            int hPrev = (t * B + b) * H;        // row b of h[t] in (T+1, B, H)
            int hNext = ((t + 1) * B + b) * H;  // row b of h[t+1]
            for (int j = 0; j < H; j++) {
                switch (cell) {
                    case RNN -> {
                        double y = st(Math.tanh(xp[g0 + j] + hp[g0 + j]));
                        act[g0 + j] = y;
                        h[hNext + j] = y;
                    }
                    case LSTM -> {
                        double ig = st(sigmoid(xp[g0 + j] + hp[g0 + j]));
                        double fg = st(sigmoid(xp[g0 + H + j] + hp[g0 + H + j]));
                        double og = st(sigmoid(xp[g0 + 2 * H + j] + hp[g0 + 2 * H + j]));
                        double gg = st(Math.tanh(xp[g0 + 3 * H + j] + hp[g0 + 3 * H + j]));
                        double cn = st(fg * c[hPrev + j] + ig * gg);
                        act[g0 + j] = ig;
                        act[g0 + H + j] = fg;
                        act[g0 + 2 * H + j] = og;
                        act[g0 + 3 * H + j] = gg;
                        c[hNext + j] = cn;
                        h[hNext + j] = st(og * Math.tanh(cn));
                    }
                    case GRU -> {
                        double r = st(sigmoid(xp[g0 + j] + hp[g0 + j]));
                        double z = st(sigmoid(xp[g0 + H + j] + hp[g0 + H + j]));
                        double n = st(Math.tanh(xp[g0 + 2 * H + j] + r * hp[g0 + 2 * H + j]));
                        act[g0 + j] = r;
                        act[g0 + H + j] = z;
                        act[g0 + 2 * H + j] = n;
                        h[hNext + j] = st((1 - z) * n + z * h[hPrev + j]);
                    }
                    case MGU -> {
                        double fg = st(sigmoid(xp[g0 + j] + hp[g0 + j]));
                        double n = st(Math.tanh(xp[g0 + H + j] + fg * hp[g0 + H + j]));
                        act[g0 + j] = fg;
                        act[g0 + H + j] = n;
                        h[hNext + j] = st((1 - fg) * h[hPrev + j] + fg * n);
                    }
                }
            }
        }
    }

    @Override
    public void cellBackward(CellType cell, int t, int B, int H, CellBuffers f, CellGrads g) {
        final int GH = cell.gates * H;
        double[] hp = d(f.hp()), h = d(f.h()), act = d(f.act());
        double[] dhOut = d(g.dhOut()), dhc = d(g.dh()), dxp = d(g.dxp()), dhp = d(g.dhp());
        double[] c = cell.hasCellState() ? d(f.c()) : null;
        double[] dcc = cell.hasCellState() ? d(g.dc()) : null;
        for (int b = 0; b < B; b++) {
            int g0 = (t * B + b) * GH;
            int hPrev = (t * B + b) * H;
            int hNext = ((t + 1) * B + b) * H;
            int o = (t * B + b) * H;   // row b of step t in (T, B, H)
            int carry = b * H;         // row b of the (B, H) carries
            for (int j = 0; j < H; j++) {
                double dh = dhOut[o + j] + dhc[carry + j];
                switch (cell) {
                    case RNN -> {
                        double y = act[g0 + j];
                        double da = st(dh * (1 - y * y));
                        dxp[g0 + j] = da;
                        dhp[g0 + j] = da;
                        dhc[carry + j] = 0;
                    }
                    case LSTM -> {
                        double ig = act[g0 + j], fg = act[g0 + H + j];
                        double og = act[g0 + 2 * H + j], gg = act[g0 + 3 * H + j];
                        double tc = Math.tanh(c[hNext + j]);
                        double dc = dcc[carry + j] + dh * og * (1 - tc * tc);
                        double dai = dc * gg * ig * (1 - ig);
                        double daf = dc * c[hPrev + j] * fg * (1 - fg);
                        double dao = dh * tc * og * (1 - og);
                        double dag = dc * ig * (1 - gg * gg);
                        dxp[g0 + j] = dhp[g0 + j] = st(dai);
                        dxp[g0 + H + j] = dhp[g0 + H + j] = st(daf);
                        dxp[g0 + 2 * H + j] = dhp[g0 + 2 * H + j] = st(dao);
                        dxp[g0 + 3 * H + j] = dhp[g0 + 3 * H + j] = st(dag);
                        dcc[carry + j] = st(dc * fg);
                        dhc[carry + j] = 0;
                    }
                    case GRU -> {
                        double r = act[g0 + j], z = act[g0 + H + j], n = act[g0 + 2 * H + j];
                        double dan = dh * (1 - z) * (1 - n * n);
                        double daz = dh * (h[hPrev + j] - n) * z * (1 - z);
                        double dar = dan * hp[g0 + 2 * H + j] * r * (1 - r);
                        dxp[g0 + j] = dhp[g0 + j] = st(dar);
                        dxp[g0 + H + j] = dhp[g0 + H + j] = st(daz);
                        dxp[g0 + 2 * H + j] = st(dan);
                        dhp[g0 + 2 * H + j] = st(dan * r);
                        dhc[carry + j] = st(dh * z);
                    }
                    case MGU -> {
                        double fg = act[g0 + j], n = act[g0 + H + j];
                        double dan = dh * fg * (1 - n * n);
                        double df = dh * (n - h[hPrev + j]) + dan * hp[g0 + H + j];
                        double daf = df * fg * (1 - fg);
                        dxp[g0 + j] = dhp[g0 + j] = st(daf);
                        dxp[g0 + H + j] = st(dan);
                        dhp[g0 + H + j] = st(dan * fg);
                        dhc[carry + j] = st(dh * (1 - fg));
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Loss

    @Override
    public void softmaxXent(Buf logits, long off, int rows, int V, Tokens targets,
                            Buf dlogits, long dOff, float gradScale, Buf rowLoss, long rowLossOff) {
        double[] z = d(logits), loss = d(rowLoss);
        double[] dz = dlogits == null ? null : d(dlogits);
        int[] y = targets.ids();
        for (int r = 0; r < rows; r++) {
            int base = i(off) + r * V;
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < V; v++) {
                max = Math.max(max, z[base + v]);
            }
            double sum = 0;
            for (int v = 0; v < V; v++) {
                sum += Math.exp(z[base + v] - max);
            }
            double logSum = Math.log(sum);
            loss[i(rowLossOff) + r] = st(logSum + max - z[base + y[r]]);
            if (dz != null) {
                int dbase = i(dOff) + r * V;
                for (int v = 0; v < V; v++) {
                    double p = Math.exp(z[base + v] - max - logSum);
                    dz[dbase + v] = st((p - (v == y[r] ? 1 : 0)) * gradScale);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Pointwise helpers

    @Override
    public void dropout(Buf src, long srcOff, Buf dst, long dstOff, long n, float p, long seed) {
        double[] s = d(src), o = d(dst);
        double scale = 1.0f / (1.0f - p);
        for (long k = 0; k < n; k++) {
            o[i(dstOff + k)] = Dropout.keep(seed, k, p) ? st(s[i(srcOff + k)] * scale) : 0.0;
        }
    }

    @Override
    public void tanhForward(Buf x, long xOff, Buf y, long yOff, long n) {
        double[] a = d(x), b = d(y);
        for (int k = 0; k < n; k++) {
            b[i(yOff) + k] = st(Math.tanh(a[i(xOff) + k]));
        }
    }

    @Override
    public void tanhBackward(Buf y, long yOff, Buf dy, long dyOff, Buf dx, long dxOff, long n) {
        double[] a = d(y), g = d(dy), o = d(dx);
        for (int k = 0; k < n; k++) {
            double v = a[i(yOff) + k];
            o[i(dxOff) + k] = st(g[i(dyOff) + k] * (1 - v * v));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Optimizer

    @Override
    public void optimizerStep(Optimizer opt, long n, Buf params, Buf grads, Buf s1, Buf s2, Buf sumSq,
                              float clip, OptimizerArgs args) {
        double[] p = d(params), g = d(grads);
        double norm = Math.sqrt(d(sumSq)[0]);
        double scale = clip > 0 && norm > clip ? clip / norm : 1.0;
        double lr = args.lr(), eps = args.eps();
        switch (opt) {
            case SGD -> {
                for (int k = 0; k < n; k++) {
                    p[k] = st(p[k] - lr * g[k] * scale);
                }
            }
            case ADAGRAD -> {
                double[] cache = d(s1);
                for (int k = 0; k < n; k++) {
                    double gk = g[k] * scale;
                    cache[k] = st(cache[k] + gk * gk);
                    p[k] = st(p[k] - lr * gk / (Math.sqrt(cache[k]) + eps));
                }
            }
            case ADAM -> {
                double[] m = d(s1), v = d(s2);
                double b1 = args.beta1(), b2 = args.beta2();
                double bc1 = args.biasCorrection1(), bc2 = args.biasCorrection2();
                for (int k = 0; k < n; k++) {
                    double gk = g[k] * scale;
                    m[k] = st(b1 * m[k] + (1 - b1) * gk);
                    v[k] = st(b2 * v[k] + (1 - b2) * gk * gk);
                    double mh = m[k] / bc1, vh = v[k] / bc2;
                    p[k] = st(p[k] - lr * mh / (Math.sqrt(vh) + eps));
                }
            }
        }
    }

    @Override
    public void finish() {
        // Every op ran to completion when it returned.
    }

    @Override
    public void close() {
        // Nothing to release: buffers are garbage-collected arrays.
    }
}
