package org.gpurnn.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.gpurnn.backend.Backend;
import org.gpurnn.backend.Buf;
import org.gpurnn.backend.CellBuffers;
import org.gpurnn.backend.CellGrads;
import org.gpurnn.backend.CellType;
import org.gpurnn.backend.Optimizer;
import org.gpurnn.backend.OptimizerArgs;
import org.gpurnn.backend.Tokens;

/**
 * Compares every op of a backend under test with a reference backend (a {@code CpuBackend} in FLOAT
 * mode) on identical random inputs.
 *
 * <p>Each {@link Case} allocates its tensors on both backends with the same contents, runs the op on
 * both, downloads every buffer the op may write (outputs, carries, state) and compares them element by
 * element, including a few guard elements before and after the range the op is given, which must stay
 * untouched. An element passes when {@code |x - ref| <= atol + rtol * |ref|} with the tolerance of
 * its tensor (see {@link Tolerances}); a case passes when every element of every compared tensor does.
 *
 * <p>Shapes are chosen to be awkward: single rows and steps, widths that are not multiples of any
 * work-group size, a vocabulary of 1 and one wider than a work-group, odd offsets.
 */
public final class OpChecks {

    private OpChecks() {
    }

    // ---------------------------------------------------------------------------------------------
    // Results, tolerances, cases

    /**
     * Outcome of one case.
     *
     * @param op            op name with its variant, e.g. {@code matmul nt acc}
     * @param shape         sizes, e.g. {@code M=7 N=61 K=1}
     * @param maxAbs        largest |x - ref| over all compared elements
     * @param maxRel        largest |x - ref| / max(|ref|, atol) over all compared elements
     * @param pass          whether every element is within tolerance
     * @param firstMismatch null on a pass; else tensor, shape, first bad index, both values, count of bad
     */
    public record OpResult(String op, String shape, double maxAbs, double maxRel, boolean pass,
                           String firstMismatch) {

        @Override
        public String toString() {
            String s = String.format(Locale.ROOT, "%s  %-24s %-28s maxAbs %.2e  maxRel %.2e",
                    pass ? "PASS" : "FAIL", op, shape, maxAbs, maxRel);
            return pass ? s : s + "\n      " + firstMismatch;
        }
    }

    /** Per-element tolerance: pass when {@code |x - ref| <= atol + rtol * |ref|}. */
    public record Tol(double atol, double rtol) {

        boolean ok(double x, double ref) {
            if (Double.isNaN(x) || Double.isNaN(ref)) {
                return Double.isNaN(x) && Double.isNaN(ref);
            }
            if (x == ref) {
                return true;   // also equal infinities
            }
            return Math.abs(x - ref) <= atol + rtol * Math.abs(ref);
        }
    }

    /**
     * All tolerances, in one place. The reference sums in double and rounds each stored value to float
     * once; the backend under test computes in float, so it differs by its own rounding errors, and by
     * those of its math library (OpenCL allows exp and tanh a few ulp). The float unit roundoff is
     * u = 2^-24 = 6e-8; inputs are of order 1.
     */
    public static final class Tolerances {

        private Tolerances() {
        }

        /**
         * Data movement and single float additions or multiplications (fill, copy, fillRows, gatherRows,
         * dropout): the reference rounds the same exact value once, so the bits must agree.
         */
        public static final Tol EXACT = new Tol(0, 0);

        /**
         * A handful of float operations and library functions per element (tanh, the cell steps, the
         * optimizers): each adds a few u of relative error, and 1 - y^2 style cancellations turn them
         * into absolute errors of a few u. 1e-5 relative is ~150 u.
         */
        public static final Tol POINTWISE = new Tol(1e-6, 1e-5);

        /**
         * Softmax cross-entropy: the row loss is log(sum) + max - z[target], a difference of terms up
         * to |max| + log V, so its absolute error scales with that; the gradient is a probability
         * (error relative to itself) minus an exact one-hot, times gradScale.
         */
        public static Tol softmaxLoss(double maxAbsLogit, int V) {
            return new Tol(1e-6 * (maxAbsLogit + Math.log(Math.max(V, 2))), 1e-5);
        }

        public static final Tol SOFTMAX_GRAD = new Tol(1e-6, 1e-5);

        /**
         * A sum of n terms of magnitude up to {@code scale} added one after another (colSumAcc and
         * scatterAddRows sum each column in row order): every addition rounds at the size of the
         * running sum, so the error grows about linearly in n. Measured on products in [-1, 1], the
         * largest error over 4096 sums was 0.5 to 1.0 * n * u for n = 16 .. 4096; atol allows 4 * n * u.
         */
        public static Tol sequentialSum(long n, double scale) {
            return new Tol(scale * (1e-6 + 2.5e-7 * n), 1e-5);
        }

        /**
         * A sum of n terms of magnitude up to {@code scale} in tree order (reduceSum): the error grows
         * like sqrt(n) * u * scale; 1e-6 is ~16 u. The rtol part covers the reference's own rounding
         * of a large total.
         */
        public static Tol treeSum(long n, double scale) {
            return new Tol(1e-6 * scale * Math.sqrt(Math.max(1, n)), 1e-5);
        }

        /**
         * A matrix product with inner size K and inputs in [-1, 1]: each output is a sum of K products
         * accumulated in sequence, as {@link #sequentialSum}.
         */
        public static Tol gemm(int K) {
            return sequentialSum(K, 1);
        }
    }

    /** What a case does, given the harness that owns its tensors. */
    @FunctionalInterface
    public interface CaseBody {
        void define(Run run);
    }

    /**
     * One check: an op with a variant on fixed shapes.
     *
     * @param family kernel family, for grouping in tests: matmul, pointwise, reduce, embedding, cell,
     *               softmax, dropout, optimizer
     * @param op     op name with its variant
     * @param shape  sizes
     * @param body   sets up tensors, runs the op on both backends
     */
    public record Case(String family, String op, String shape, CaseBody body) {
        @Override
        public String toString() {
            return op + " " + shape;
        }
    }

    /** Which of the two backends an op runs on. */
    public enum Side { REF, DUT }

    /** The op under test, run once per backend with that backend's buffers. */
    @FunctionalInterface
    public interface Op {
        void run(Backend be, Side side);
    }

    // ---------------------------------------------------------------------------------------------
    // Running

    /** Runs every case of {@link #cases()}. */
    public static List<OpResult> runAll(Backend ref, Backend dut, long seed) {
        List<OpResult> out = new ArrayList<>();
        for (Case c : cases()) {
            out.add(run(c, ref, dut, seed));
        }
        return out;
    }

    /** Runs one case; the inputs depend only on the seed and the case's name. */
    public static OpResult run(Case c, Backend ref, Backend dut, long seed) {
        Run run = new Run(ref, dut, seed * 0x9E3779B97F4A7C15L + c.toString().hashCode());
        try {
            c.body().define(run);
        } catch (DutFailure e) {
            return new OpResult(c.op(), c.shape(), Double.NaN, Double.NaN, false,
                    "the backend under test threw " + e.getCause());
        }
        return run.result(c.op(), c.shape());
    }

    /** Thrown through {@link Run#exec} when the backend under test throws. */
    private static final class DutFailure extends RuntimeException {
        DutFailure(Throwable cause) {
            super(cause);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Harness

    /** Number of guard elements after every tensor's range. */
    private static final int TAIL = 2;

    /** A tensor present on both backends with identical initial contents. */
    public static final class Tensor {
        final String name;
        final int pad;
        final int[] shape;
        final int size;
        final Tol tol;
        final Buf ref;
        final Buf dut;

        Tensor(String name, int pad, int[] shape, Tol tol, Buf ref, Buf dut) {
            this.name = name;
            this.pad = pad;
            this.shape = shape;
            this.size = Arrays.stream(shape).reduce(1, Math::multiplyExact);
            this.tol = tol;
            this.ref = ref;
            this.dut = dut;
        }

        /** This tensor's buffer on one side. */
        public Buf at(Side side) {
            return side == Side.REF ? ref : dut;
        }

        /** The element offset of the tensor's range inside its buffer. */
        public long off() {
            return pad;
        }

        int length() {
            return pad + size + TAIL;
        }

        String shapeText() {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < shape.length; i++) {
                sb.append(i > 0 ? ", " : "").append(shape[i]);
            }
            return sb.append(')').toString();
        }

        /** Names a flat buffer index: a guard element or a multi-index into the shape. */
        String where(int flat) {
            if (flat < pad) {
                return "guard element " + flat + " before offset " + pad;
            }
            if (flat >= pad + size) {
                return "guard element " + (flat - pad - size) + " after the end";
            }
            int rest = flat - pad;
            int[] idx = new int[shape.length];
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = rest % shape[d];
                rest /= shape[d];
            }
            StringBuilder sb = new StringBuilder("index ").append(flat - pad).append(" [");
            for (int d = 0; d < idx.length; d++) {
                sb.append(d > 0 ? ", " : "").append(idx[d]);
            }
            return sb.append(']').toString();
        }
    }

    /** Token ids present on both backends. */
    public record TokenPair(Tokens ref, Tokens dut, int[] ids) {
        public Tokens at(Side side) {
            return side == Side.REF ? ref : dut;
        }
    }

    /** The tensors of one case on both backends, and the comparison of those it writes. */
    public static final class Run {
        private final Backend ref;
        private final Backend dut;
        private final Random rnd;
        private final List<Tensor> tensors = new ArrayList<>();

        Run(Backend ref, Backend dut, long seed) {
            this.ref = ref;
            this.dut = dut;
            this.rnd = new Random(seed);
        }

        /** The case's random generator (for sizes of ids, scalars). */
        public Random random() {
            return rnd;
        }

        /**
         * An input, uniform in [lo, hi), guards included. Inputs are compared too, exactly: an op must
         * not write them.
         */
        public Tensor input(String name, double lo, double hi, int pad, int... shape) {
            return make(name, Tolerances.EXACT, lo, hi, pad, shape);
        }

        /**
         * A tensor the op writes (or may write), prefilled uniform in [lo, hi) so that unwritten and
         * wrongly accumulated elements show; compared with {@code tol} after the op.
         */
        public Tensor output(String name, Tol tol, double lo, double hi, int pad, int... shape) {
            return make(name, tol, lo, hi, pad, shape);
        }

        /** An input with given contents (the guards are random). */
        public Tensor input(String name, float[] values, int pad, int... shape) {
            Tensor t = make(name, Tolerances.EXACT, -1, 1, pad, shape);
            if (values.length != t.size) {
                throw new IllegalArgumentException(name + ": " + values.length + " values for " + t.size);
            }
            ref.upload(t.ref, pad, values, 0, values.length);
            dut.upload(t.dut, pad, values, 0, values.length);
            return t;
        }

        /** n token ids in [0, vocab) on both backends. */
        public TokenPair tokens(int n, int vocab) {
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) {
                ids[i] = rnd.nextInt(vocab);
            }
            Tokens r = ref.allocTokens(n, vocab);
            Tokens d = dut.allocTokens(n, vocab);
            ref.setTokens(r, ids);
            dut.setTokens(d, ids);
            return new TokenPair(r, d, ids);
        }

        private Tensor make(String name, Tol tol, double lo, double hi, int pad, int[] shape) {
            int size = Arrays.stream(shape).reduce(1, Math::multiplyExact);
            float[] init = new float[pad + size + TAIL];
            for (int i = 0; i < init.length; i++) {
                init[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
            }
            Buf r = ref.alloc(init.length);
            Buf d = dut.alloc(init.length);
            ref.upload(r, 0, init, 0, init.length);
            dut.upload(d, 0, init, 0, init.length);
            Tensor out = new Tensor(name, pad, shape.clone(), tol, r, d);
            tensors.add(out);
            return out;
        }

        /** Runs the op on the reference, then on the backend under test. */
        public void exec(Op op) {
            op.run(ref, Side.REF);
            try {
                op.run(dut, Side.DUT);
                dut.finish();
            } catch (RuntimeException e) {
                throw new DutFailure(e);
            }
        }

        OpResult result(String op, String shape) {
            double maxAbs = 0;
            double maxRel = 0;
            String first = null;
            List<String> alsoBad = new ArrayList<>();
            for (Tensor t : tensors) {
                int n = t.length();
                float[] want = new float[n];
                float[] got = new float[n];
                ref.download(t.ref, 0, want, 0, n);
                dut.download(t.dut, 0, got, 0, n);
                int bad = 0;
                int firstBad = -1;
                for (int i = 0; i < n; i++) {
                    double x = got[i];
                    double r = want[i];
                    double abs = Math.abs(x - r);
                    if (Double.isNaN(abs)) {
                        abs = Double.isNaN(x) && Double.isNaN(r) ? 0 : Double.POSITIVE_INFINITY;
                    } else if (x == r) {
                        abs = 0;
                    }
                    maxAbs = Math.max(maxAbs, abs);
                    maxRel = Math.max(maxRel, abs == 0 ? 0 : abs / Math.max(Math.abs(r), t.tol.atol()));
                    if (!t.tol.ok(x, r)) {
                        if (bad++ == 0) {
                            firstBad = i;
                        }
                    }
                }
                if (bad > 0) {
                    if (first == null) {
                        first = String.format(Locale.ROOT,
                                "%s %s (offset %d): first bad at %s: got %s, want %s (|diff| %.3e > %.3e); "
                                        + "%d of %d elements bad (guards included)",
                                t.name, t.shapeText(), t.pad, t.where(firstBad), got[firstBad], want[firstBad],
                                Math.abs(got[firstBad] - (double) want[firstBad]),
                                t.tol.atol() + t.tol.rtol() * Math.abs(want[firstBad]), bad, n);
                    } else {
                        alsoBad.add(t.name + " (" + bad + " bad)");
                    }
                }
            }
            if (first != null && !alsoBad.isEmpty()) {
                first += "; also bad: " + String.join(", ", alsoBad);
            }
            return new OpResult(op, shape, maxAbs, maxRel, first == null, first);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The cases

    /** The fixed set of cases {@link #runAll} runs, in order. */
    public static List<Case> cases() {
        List<Case> cs = new ArrayList<>();
        addMemory(cs);
        addMatmul(cs);
        addRowsAndColumns(cs);
        addReduce(cs);
        addEmbedding(cs);
        addCells(cs);
        addSoftmax(cs);
        addPointwise(cs);
        addOptimizer(cs);
        return cs;
    }

    /** M, N, K triples: 1, sizes just off multiples of 16, 32 and 64, K = 0 and 1. */
    private static final int[][] MATMUL_SHAPES = {
        {1, 1, 1}, {1, 7, 61}, {7, 61, 1}, {61, 64, 129}, {64, 129, 7}, {129, 1, 64}, {33, 300, 65}, {7, 7, 0},
    };

    private static void addMemory(List<Case> cs) {
        for (int n : new int[] {1, 1000}) {
            cs.add(new Case("pointwise", "fill", "n=" + n, run -> {
                Tensor d = run.output("dst", Tolerances.EXACT, -1, 1, 3, n);
                run.exec((be, s) -> be.fill(d.at(s), d.off(), n, 0.625f));
            }));
            cs.add(new Case("pointwise", "copy", "n=" + n, run -> {
                Tensor a = run.input("src", -1, 1, 1, n);
                Tensor d = run.output("dst", Tolerances.EXACT, -1, 1, 4, n);
                run.exec((be, s) -> be.copy(a.at(s), a.off(), d.at(s), d.off(), n));
            }));
        }
    }

    private static void addMatmul(List<Case> cs) {
        for (int[] mnk : MATMUL_SHAPES) {
            for (int v = 0; v < 8; v++) {
                cs.add(matmulCase(mnk[0], mnk[1], mnk[2], (v & 1) != 0, (v & 2) != 0, (v & 4) != 0));
            }
        }
    }

    /** One matrix-product case; public so that tests can run their own shapes. */
    public static Case matmulCase(int M, int N, int K, boolean transA, boolean transB, boolean accumulate) {
        String op = "matmul " + (transA ? "t" : "n") + (transB ? "t" : "n") + (accumulate ? " acc" : " over");
        return new Case("matmul", op, "M=" + M + " N=" + N + " K=" + K, run -> {
            Tensor a = transA ? run.input("A", -1, 1, 3, K, M) : run.input("A", -1, 1, 3, M, K);
            Tensor b = transB ? run.input("B", -1, 1, 5, N, K) : run.input("B", -1, 1, 5, K, N);
            Tensor c = run.output("C", Tolerances.gemm(K), -1, 1, 1, M, N);
            run.exec((be, s) -> be.matmul(transA, transB, M, N, K, a.at(s), a.off(), b.at(s), b.off(),
                    c.at(s), c.off(), accumulate));
        });
    }

    private static void addRowsAndColumns(List<Case> cs) {
        for (int[] rc : new int[][] {{1, 1}, {7, 33}, {300, 61}}) {
            int rows = rc[0];
            int cols = rc[1];
            cs.add(new Case("pointwise", "fillRows", "rows=" + rows + " cols=" + cols, run -> {
                Tensor bias = run.input("bias", -1, 1, 2, cols);
                Tensor d = run.output("dst", Tolerances.EXACT, -1, 1, 3, rows, cols);
                run.exec((be, s) -> be.fillRows(d.at(s), d.off(), rows, cols, bias.at(s), bias.off()));
            }));
        }
        for (int[] rc : new int[][] {{1, 7}, {33, 300}, {1000, 33}}) {
            int rows = rc[0];
            int cols = rc[1];
            cs.add(new Case("pointwise", "colSumAcc", "rows=" + rows + " cols=" + cols, run -> {
                Tensor src = run.input("src", -1, 1, 3, rows, cols);
                Tensor d = run.output("dst", Tolerances.sequentialSum(rows + 1, 1), -1, 1, 2, cols);
                run.exec((be, s) -> be.colSumAcc(src.at(s), src.off(), rows, cols, d.at(s), d.off()));
            }));
        }
    }

    /** Length from which {@link #reduceCase} uses exactly summable values. */
    static final int EXACT_REDUCE_FROM = 4096;

    private static void addReduce(List<Case> cs) {
        for (int n : new int[] {1, 257, 70001}) {
            for (int v = 0; v < 4; v++) {
                cs.add(reduceCase(n, (v & 1) != 0, (v & 2) != 0));
            }
        }
    }

    /**
     * One reduceSum case over n elements of [-1, 1]. Beyond {@link #EXACT_REDUCE_FROM} elements the
     * values are multiples of 1/2 (squares: of 1/4), whose sums in any order are exact in float up to
     * millions of terms: the result must then match exactly, so a dropped or repeated element shows,
     * which a rounding tolerance growing with n would hide.
     */
    public static Case reduceCase(int n, boolean squares, boolean accumulate) {
        String op = "reduceSum" + (squares ? " squares" : "") + (accumulate ? " acc" : " over");
        boolean exact = n >= EXACT_REDUCE_FROM;
        return new Case("reduce", op, "n=" + n + (exact ? " halves" : ""), run -> {
            Tensor src;
            if (exact) {
                float[] halves = new float[n];
                for (int i = 0; i < n; i++) {
                    halves[i] = (run.random().nextInt(5) - 2) * 0.5f;
                }
                src = run.input("src", halves, 5, n);
            } else {
                src = run.input("src", -1, 1, 5, n);
            }
            Tensor d = run.output("dst", exact ? Tolerances.EXACT : Tolerances.treeSum(n + 1, 1), -1, 1, 1, 1);
            run.exec((be, s) -> be.reduceSum(src.at(s), src.off(), n, squares, d.at(s), d.off(), accumulate));
        });
    }

    private static void addEmbedding(List<Case> cs) {
        // (n, vocab, cols): single everything; some ids unused; many rows per id.
        for (int[] nvc : new int[][] {{1, 1, 1}, {7, 5, 33}, {300, 65, 61}, {1000, 3, 7}}) {
            int n = nvc[0];
            int vocab = nvc[1];
            int cols = nvc[2];
            String shape = "n=" + n + " V=" + vocab + " C=" + cols;
            cs.add(new Case("embedding", "gatherRows", shape, run -> {
                TokenPair ids = run.tokens(n, vocab);
                Tensor table = run.input("table", -1, 1, 3, vocab, cols);
                Tensor bias = run.input("bias", -1, 1, 1, cols);
                Tensor d = run.output("dst", Tolerances.EXACT, -1, 1, 2, n, cols);
                run.exec((be, s) -> be.gatherRows(ids.at(s), table.at(s), table.off(), cols, bias.at(s), bias.off(),
                        d.at(s), d.off()));
            }));
            cs.add(new Case("embedding", "scatterAddRows", shape, run -> {
                TokenPair ids = run.tokens(n, vocab);
                Tensor src = run.input("src", -1, 1, 3, n, cols);
                Tensor table = run.output("table", Tolerances.sequentialSum(maxSegment(ids.ids(), vocab) + 1, 1),
                        -1, 1, 2, vocab, cols);
                run.exec((be, s) -> be.scatterAddRows(ids.at(s), src.at(s), src.off(), cols, table.at(s),
                        table.off()));
            }));
        }
    }

    private static int maxSegment(int[] ids, int vocab) {
        int[] count = new int[vocab];
        int max = 0;
        for (int id : ids) {
            max = Math.max(max, ++count[id]);
        }
        return max;
    }

    private static void addCells(List<Case> cs) {
        // (T, t, B, H): one step of one row; a middle step; H past a work-group; B*H past one.
        int[][] shapes = {{1, 0, 1, 1}, {3, 1, 3, 33}, {2, 1, 2, 7}, {2, 0, 5, 300}};
        for (CellType cell : CellType.values()) {
            for (int[] s : shapes) {
                cs.add(cellCase(cell, false, s[0], s[1], s[2], s[3]));
                cs.add(cellCase(cell, true, s[0], s[1], s[2], s[3]));
            }
        }
    }

    /** One cell step forward or backward over buffers of T steps, at step t. */
    public static Case cellCase(CellType cell, boolean backward, int T, int t, int B, int H) {
        int G = cell.gates;
        String op = cell.id() + (backward ? " backward" : " forward");
        return new Case("cell", op, "T=" + T + " t=" + t + " B=" + B + " H=" + H, run -> {
            Tol tol = Tolerances.POINTWISE;
            boolean lstm = cell.hasCellState();
            if (!backward) {
                Tensor xp = run.input("xp", -2, 2, 0, T, B, G * H);
                Tensor hp = run.input("hp", -2, 2, 0, T, B, G * H);
                Tensor h = run.output("h", tol, -1, 1, 0, T + 1, B, H);
                Tensor c = lstm ? run.output("c", tol, -1, 1, 0, T + 1, B, H) : null;
                Tensor act = run.output("act", tol, -1, 1, 0, T, B, G * H);
                run.exec((be, s) -> be.cellForward(cell, t, B, H,
                        new CellBuffers(xp.at(s), hp.at(s), h.at(s), lstm ? c.at(s) : null, act.at(s))));
                return;
            }
            Tensor xp = run.input("xp", -2, 2, 0, T, B, G * H);
            Tensor hp = run.input("hp", -2, 2, 0, T, B, G * H);
            Tensor h = run.input("h", -1, 1, 0, T + 1, B, H);
            Tensor c = lstm ? run.input("c", -1, 1, 0, T + 1, B, H) : null;
            Tensor act = run.input("act", gateValues(run.random(), cell, T, B, H), 0, T, B, G * H);
            Tensor dhOut = run.input("dhOut", -1, 1, 0, T, B, H);
            Tensor dh = run.output("dh", tol, -1, 1, 0, B, H);
            Tensor dc = lstm ? run.output("dc", tol, -1, 1, 0, B, H) : null;
            Tensor dxp = run.output("dxp", tol, -1, 1, 0, T, B, G * H);
            Tensor dhp = run.output("dhp", tol, -1, 1, 0, T, B, G * H);
            run.exec((be, s) -> be.cellBackward(cell, t, B, H,
                    new CellBuffers(xp.at(s), hp.at(s), h.at(s), lstm ? c.at(s) : null, act.at(s)),
                    new CellGrads(dhOut.at(s), dh.at(s), lstm ? dc.at(s) : null, dxp.at(s), dhp.at(s))));
        });
    }

    /** Plausible saved activations: sigmoid gates in (0, 1), tanh blocks in (-1, 1). */
    private static float[] gateValues(Random rnd, CellType cell, int T, int B, int H) {
        int G = cell.gates;
        float[] a = new float[T * B * G * H];
        for (int i = 0; i < a.length; i++) {
            int block = (i % (G * H)) / H;
            boolean tanhBlock = switch (cell) {
                case RNN -> true;
                case LSTM -> block == 3;
                case GRU -> block == 2;
                case MGU -> block == 1;
            };
            a[i] = tanhBlock ? (float) (rnd.nextDouble() * 2 - 1) : (float) rnd.nextDouble();
        }
        return a;
    }

    private static void addSoftmax(List<Case> cs) {
        // (rows, V): V=1; V below a warp; V past a work-group of 256.
        for (int[] rv : new int[][] {{1, 1}, {3, 7}, {5, 300}, {2, 1000}}) {
            int rows = rv[0];
            int V = rv[1];
            for (String mode : new String[] {"grad", "loss only", "in place"}) {
                cs.add(new Case("softmax", "softmaxXent " + mode, "rows=" + rows + " V=" + V, run -> {
                    double range = 8;
                    TokenPair y = run.tokens(rows, V);
                    Tol lossTol = Tolerances.softmaxLoss(range, V);
                    Tensor rowLoss = run.output("rowLoss", lossTol, -1, 1, 1, rows);
                    float scale = 1.0f / rows;
                    switch (mode) {
                        case "grad" -> {
                            Tensor z = run.input("logits", -range, range, 3, rows, V);
                            Tensor dz = run.output("dlogits", Tolerances.SOFTMAX_GRAD, -1, 1, 2, rows, V);
                            run.exec((be, s) -> be.softmaxXent(z.at(s), z.off(), rows, V, y.at(s), dz.at(s), dz.off(),
                                    scale, rowLoss.at(s), rowLoss.off()));
                        }
                        case "loss only" -> {
                            Tensor z = run.input("logits", -range, range, 3, rows, V);
                            run.exec((be, s) -> be.softmaxXent(z.at(s), z.off(), rows, V, y.at(s), null, 0,
                                    scale, rowLoss.at(s), rowLoss.off()));
                        }
                        default -> {
                            Tensor z = run.output("logits/dlogits", Tolerances.SOFTMAX_GRAD, -range, range, 3, rows, V);
                            run.exec((be, s) -> be.softmaxXent(z.at(s), z.off(), rows, V, y.at(s), z.at(s), z.off(),
                                    scale, rowLoss.at(s), rowLoss.off()));
                        }
                    }
                }));
            }
        }
    }

    private static void addPointwise(List<Case> cs) {
        for (int n : new int[] {1, 4099}) {
            for (float p : new float[] {0f, 0.25f, 0.5f}) {
                long seed = 0x5DEECE66DL * (n + 7) - 12345;
                cs.add(new Case("dropout", "dropout", "n=" + n + " p=" + p, run -> {
                    Tensor a = run.input("src", -1, 1, 3, n);
                    Tensor d = run.output("dst", Tolerances.EXACT, -1, 1, 1, n);
                    run.exec((be, s) -> be.dropout(a.at(s), a.off(), d.at(s), d.off(), n, p, seed));
                }));
            }
            cs.add(new Case("dropout", "dropout in place", "n=" + n + " p=0.3", run -> {
                Tensor d = run.output("src/dst", Tolerances.EXACT, -1, 1, 2, n);
                run.exec((be, s) -> be.dropout(d.at(s), d.off(), d.at(s), d.off(), n, 0.3f, -42L));
            }));
            cs.add(new Case("pointwise", "tanhForward", "n=" + n, run -> {
                Tensor x = run.input("x", -4, 4, 3, n);
                Tensor y = run.output("y", Tolerances.POINTWISE, -1, 1, 1, n);
                run.exec((be, s) -> be.tanhForward(x.at(s), x.off(), y.at(s), y.off(), n));
            }));
            cs.add(new Case("pointwise", "tanhForward in place", "n=" + n, run -> {
                Tensor x = run.output("x/y", Tolerances.POINTWISE, -4, 4, 2, n);
                run.exec((be, s) -> be.tanhForward(x.at(s), x.off(), x.at(s), x.off(), n));
            }));
            cs.add(new Case("pointwise", "tanhBackward", "n=" + n, run -> {
                Tensor y = run.input("y", -1, 1, 3, n);
                Tensor dy = run.input("dy", -1, 1, 2, n);
                Tensor dx = run.output("dx", Tolerances.POINTWISE, -1, 1, 1, n);
                run.exec((be, s) -> be.tanhBackward(y.at(s), y.off(), dy.at(s), dy.off(), dx.at(s), dx.off(), n));
            }));
            cs.add(new Case("pointwise", "tanhBackward in place", "n=" + n, run -> {
                Tensor y = run.input("y", -1, 1, 3, n);
                Tensor g = run.output("dy/dx", Tolerances.POINTWISE, -1, 1, 2, n);
                run.exec((be, s) -> be.tanhBackward(y.at(s), y.off(), g.at(s), g.off(), g.at(s), g.off(), n));
            }));
        }
    }

    private static void addOptimizer(List<Case> cs) {
        int n = 1031;
        // sumSq and clip: active (norm 20 > 5), inactive (norm 2 < 5), disabled (clip 0, norm 20).
        float[][] clipping = {{400f, 5f}, {4f, 5f}, {400f, 0f}};
        String[] names = {"clip active", "clip inactive", "no clip"};
        for (Optimizer opt : Optimizer.values()) {
            for (int k = 0; k < clipping.length; k++) {
                float sumSq = clipping[k][0];
                float clip = clipping[k][1];
                cs.add(new Case("optimizer", opt.name().toLowerCase(Locale.ROOT) + " " + names[k], "n=" + n, run -> {
                    Tol tol = Tolerances.POINTWISE;
                    OptimizerArgs args = new OptimizerArgs(0.01f, 0.9f, 0.999f, 1e-8f, 3);
                    Tensor p = run.output("params", tol, -1, 1, 0, n);
                    Tensor g = run.input("grads", -1, 1, 0, n);
                    Tensor s1 = switch (opt) {
                        case SGD -> null;
                        case ADAGRAD -> run.output("cache", tol, 0, 1, 0, n);
                        case ADAM -> run.output("m", tol, -0.1, 0.1, 0, n);
                    };
                    Tensor s2 = opt == Optimizer.ADAM ? run.output("v", tol, 0, 0.01, 0, n) : null;
                    Tensor ss = run.input("sumSq", new float[] {sumSq}, 0, 1);
                    run.exec((be, s) -> be.optimizerStep(opt, n, p.at(s), g.at(s), s1 == null ? null : s1.at(s),
                            s2 == null ? null : s2.at(s), ss.at(s), clip, args));
                }));
            }
            cs.add(normThenStep(opt, n, 5f, 4));
        }
    }

    /**
     * A training step's tail: sumSq = reduceSum(g^2) on the device, then several clipped updates from
     * zero state. The first updates divide by a small sqrt(v), which shows where epsilon is added.
     */
    public static Case normThenStep(Optimizer opt, int n, float clip, int steps) {
        return new Case("optimizer", opt.name().toLowerCase(Locale.ROOT) + " norm+steps", "n=" + n + " steps=" + steps,
                run -> {
                    Tensor p = run.output("params", Tolerances.POINTWISE, -1, 1, 0, n);
                    Tensor g = run.input("grads", -1, 1, 0, n);
                    Tensor s1 = run.output("state1", Tolerances.POINTWISE, 0, 0, 0, n);
                    Tensor s2 = run.output("state2", Tolerances.POINTWISE, 0, 0, 0, n);
                    Tensor ss = run.output("sumSq", Tolerances.treeSum(n, 1), 0, 0, 0, 1);
                    run.exec((be, s) -> {
                        be.reduceSum(g.at(s), 0, n, true, ss.at(s), 0, false);
                        for (int k = 1; k <= steps; k++) {
                            be.optimizerStep(opt, n, p.at(s), g.at(s), s1.at(s), s2.at(s), ss.at(s), clip,
                                    new OptimizerArgs(0.01f, 0.9f, 0.999f, 1e-8f, k));
                        }
                    });
                });
    }
}
