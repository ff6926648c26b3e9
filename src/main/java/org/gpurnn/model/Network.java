package org.gpurnn.model;

import org.gpurnn.backend.Backend;
import org.gpurnn.backend.Buf;
import org.gpurnn.backend.CellBuffers;
import org.gpurnn.backend.CellGrads;
import org.gpurnn.backend.Dropout;
import org.gpurnn.backend.Tokens;

/**
 * The model's forward and backward passes over one batch of B streams and T steps, written once
 * against {@link Backend}. Parameters, gradients and every activation live on the backend; per
 * step only the token ids go in, and nothing comes back unless the caller downloads it.
 *
 * <p>Per layer, the input projections of all T steps are one op (a row gather for the one-hot first
 * layer, one matmul for the others); only the recurrent product h_{t-1}·Wh runs per step, followed
 * by the cell's fused pointwise op. Backward mirrors it: the per-step work is the cell's pointwise
 * backward and dh_{t-1} += dhp_t·Wh^T; the weight gradients are one matmul each over all T steps.
 *
 * <p>The hidden state h[0] (and c[0]) of each layer is carried from one batch to the next, detached
 * (truncated BPTT): call {@link #carryState()} after a step, {@link #resetState()} to zero it.
 */
public final class Network implements AutoCloseable {

    /** Dropout site of the recurrent layer l's output. */
    private static int site(int layer) {
        return layer;
    }

    private final Backend be;
    private final ModelConfig cfg;
    private final ParamLayout layout;
    private final int B, T;

    private final Buf params;   // (P) flat parameter vector, see ParamLayout
    private final Buf grads;    // (P) same layout
    private final Tokens inputs;   // (T*B) ids, time-major: t*B + b
    private final Tokens targets;  // (T*B)

    private final CellBuffers[] fw;  // per layer
    private final CellGrads[] bw;    // per layer
    private final Buf[] dropped;     // per layer: (T, B, H) its output after dropout, or null
    private final Buf[] head;        // per head layer: (T, B, H) tanh outputs
    private final Buf headGradA;     // (T, B, H) scratch for head-layer gradients, or null
    private final Buf headGradB;     // (T, B, H)
    private final Buf logits;        // (T, B, V) logits, overwritten by dlogits in training
    private final Buf rowLoss;       // (T*B) per-row cross-entropy
    private final Buf scalars;       // (2): [0] train loss sum, [1] eval loss sum, accumulated on the device
    private final Buf gradSumSq;     // (1) sum of squares of the gradient of the last backward pass
    private final Buf saved;         // (L, 2, B, H) state saved around an evaluation

    public static final int TRAIN_LOSS = 0;
    public static final int EVAL_LOSS = 1;

    public Network(Backend backend, ModelConfig config, int batchSize, int seqLen) {
        if (batchSize < 1 || seqLen < 1) {
            throw new IllegalArgumentException("network: batch and sequence length must be >= 1");
        }
        this.be = backend;
        this.cfg = config;
        this.layout = new ParamLayout(config);
        this.B = batchSize;
        this.T = seqLen;
        final int H = cfg.hidden(), GH = cfg.gateWidth(), V = cfg.vocab(), L = cfg.layers();
        final long TB = (long) T * B;

        params = be.alloc(layout.size());
        grads = be.alloc(layout.size());
        inputs = be.allocTokens((int) TB, V);
        targets = be.allocTokens((int) TB, V);
        fw = new CellBuffers[L];
        bw = new CellGrads[L];
        dropped = new Buf[L];
        boolean lstm = cfg.cell().hasCellState();
        for (int l = 0; l < L; l++) {
            fw[l] = new CellBuffers(be.alloc(TB * GH), be.alloc(TB * GH), be.alloc((T + 1L) * B * H),
                    lstm ? be.alloc((T + 1L) * B * H) : null, be.alloc(TB * GH));
            bw[l] = new CellGrads(be.alloc(TB * H), be.alloc((long) B * H), lstm ? be.alloc((long) B * H) : null,
                    be.alloc(TB * GH), be.alloc(TB * GH));
            dropped[l] = cfg.dropout() > 0 ? be.alloc(TB * H) : null;
        }
        head = new Buf[cfg.headLayers()];
        for (int k = 0; k < head.length; k++) {
            head[k] = be.alloc(TB * H);
        }
        headGradA = head.length > 0 ? be.alloc(TB * H) : null;
        headGradB = head.length > 0 ? be.alloc(TB * H) : null;
        logits = be.alloc(TB * V);
        rowLoss = be.alloc(TB);
        scalars = be.alloc(2);
        gradSumSq = be.alloc(1);
        saved = be.alloc((long) L * 2 * B * H);
    }

    public ModelConfig config() {
        return cfg;
    }

    public ParamLayout layout() {
        return layout;
    }

    public Backend backend() {
        return be;
    }

    public int batchSize() {
        return B;
    }

    public int seqLen() {
        return T;
    }

    public Buf params() {
        return params;
    }

    public Buf grads() {
        return grads;
    }

    /** Device scalars: see {@link #TRAIN_LOSS}, {@link #EVAL_LOSS}. */
    public Buf scalars() {
        return scalars;
    }

    /** (1) the gradient's sum of squares after {@link #backward}, read by the optimizer step. */
    public Buf gradSumSq() {
        return gradSumSq;
    }

    /** The L2 norm of the last gradient, before clipping (a host round trip: only at log lines). */
    public float gradNorm() {
        float[] v = new float[1];
        be.download(gradSumSq, 0, v, 0, 1);
        return (float) Math.sqrt(v[0]);
    }

    /** (T, B, V) logits of the last forward pass (dlogits after a training pass). */
    public Buf logits() {
        return logits;
    }

    public void setParams(float[] values) {
        be.upload(params, 0, values, 0, values.length);
    }

    public float[] getParams() {
        float[] p = new float[Math.toIntExact(layout.size())];
        be.download(params, 0, p, 0, p.length);
        return p;
    }

    public float[] getGrads() {
        float[] g = new float[Math.toIntExact(layout.size())];
        be.download(grads, 0, g, 0, g.length);
        return g;
    }

    /** Reads one device scalar (a host round trip: only at log lines). */
    public float scalar(int index) {
        float[] v = new float[1];
        be.download(scalars, index, v, 0, 1);
        return v[0];
    }

    public void resetScalar(int index) {
        be.fill(scalars, index, 1, 0f);
    }

    /** Buffers of layer l, for tests and for reading the state. */
    public CellBuffers layerBuffers(int l) {
        return fw[l];
    }

    // ---------------------------------------------------------------------------------------------
    // State carried between batches

    /** Zeroes h[0] (and c[0]) of every layer: the start of an epoch or of an evaluation. */
    public void resetState() {
        long n = (long) B * cfg.hidden();
        for (CellBuffers f : fw) {
            be.fill(f.h(), 0, n, 0f);
            if (f.c() != null) {
                be.fill(f.c(), 0, n, 0f);
            }
        }
    }

    /** h[0] = h[T], c[0] = c[T] of every layer: the next batch continues these streams. */
    public void carryState() {
        long n = (long) B * cfg.hidden();
        for (CellBuffers f : fw) {
            be.copy(f.h(), T * n, f.h(), 0, n);
            if (f.c() != null) {
                be.copy(f.c(), T * n, f.c(), 0, n);
            }
        }
    }

    /** Reads the carried state back to the host, for a checkpoint: (L, K, B, H), K = 2 with a cell state (h, c). */
    public float[] getState() {
        int n = B * cfg.hidden(), k = cfg.cell().statesPerLayer();
        float[] out = new float[fw.length * k * n];
        for (int l = 0; l < fw.length; l++) {
            be.download(fw[l].h(), 0, out, (l * k) * n, n);
            if (k == 2) {
                be.download(fw[l].c(), 0, out, (l * k + 1) * n, n);
            }
        }
        return out;
    }

    /** Sets the carried state from {@link #getState()}'s layout. */
    public void setState(float[] values) {
        int n = B * cfg.hidden(), k = cfg.cell().statesPerLayer();
        if (values.length != fw.length * k * n) {
            throw new IllegalArgumentException("network: carried state needs " + fw.length * k * n + " values, got "
                    + values.length);
        }
        for (int l = 0; l < fw.length; l++) {
            be.upload(fw[l].h(), 0, values, (l * k) * n, n);
            if (k == 2) {
                be.upload(fw[l].c(), 0, values, (l * k + 1) * n, n);
            }
        }
    }

    /** Keeps a copy of every layer's h[0], c[0] (device side), e.g. around an evaluation. */
    public void saveState() {
        long n = (long) B * cfg.hidden();
        for (int l = 0; l < fw.length; l++) {
            be.copy(fw[l].h(), 0, saved, (2L * l) * n, n);
            if (fw[l].c() != null) {
                be.copy(fw[l].c(), 0, saved, (2L * l + 1) * n, n);
            }
        }
    }

    public void restoreState() {
        long n = (long) B * cfg.hidden();
        for (int l = 0; l < fw.length; l++) {
            be.copy(saved, (2L * l) * n, fw[l].h(), 0, n);
            if (fw[l].c() != null) {
                be.copy(saved, (2L * l + 1) * n, fw[l].c(), 0, n);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Passes

    /** Uploads a batch: ids laid out (T, B), index t*B + b. Targets may be null (sampling). */
    public void setBatch(int[] inputIds, int[] targetIds) {
        be.setTokens(inputs, inputIds);
        if (targetIds != null) {
            be.setTokens(targets, targetIds);
        }
    }

    /**
     * Forward over the batch set by {@link #setBatch}. With {@code training}, dropout is applied
     * with masks drawn from {@code dropoutSeed}, and the logits are replaced by dlogits of the mean
     * loss, ready for {@link #backward}. With {@code lossSlot >= 0}, the summed cross-entropy of the
     * batch is added to that device scalar; with -1 no targets are needed (sampling).
     */
    public void forward(boolean training, long dropoutSeed, int lossSlot) {
        final int H = cfg.hidden(), GH = cfg.gateWidth(), V = cfg.vocab(), L = cfg.layers();
        final int TB = T * B;
        final long bh = (long) B * H;
        final boolean drop = training && cfg.dropout() > 0;

        // 1. Recurrent layers.
        Buf in = null;
        long inOff = 0;
        for (int l = 0; l < L; l++) {
            CellBuffers f = fw[l];
            long wx = layout.offset("layers." + l + ".wx");
            long wh = layout.offset("layers." + l + ".wh");
            long b = layout.offset("layers." + l + ".b");

            // Input projections of all T steps at once.
            if (l == 0) {
                be.gatherRows(inputs, params, wx, GH, params, b, f.xp(), 0);
            } else {
                be.fillRows(f.xp(), 0, TB, GH, params, b);
                be.matmul(false, false, TB, GH, H, in, inOff, params, wx, f.xp(), 0, true);
            }

            // The recurrence, one step at a time.
            for (int t = 0; t < T; t++) {
                be.matmul(false, false, B, GH, H, f.h(), t * bh, params, wh, f.hp(), (long) t * B * GH, false);
                be.cellForward(cfg.cell(), t, B, H, f);
            }

            // This layer's output h[1..T], after dropout when training.
            if (drop) {
                be.dropout(f.h(), bh, dropped[l], 0, (long) TB * H, cfg.dropout(),
                        Dropout.hash(dropoutSeed, site(l)));
                in = dropped[l];
                inOff = 0;
            } else {
                in = f.h();
                inOff = bh;
            }
        }

        // 2. Head layers: tanh(x·W + b).
        for (int k = 0; k < head.length; k++) {
            be.fillRows(head[k], 0, TB, H, params, layout.offset("head." + k + ".b"));
            be.matmul(false, false, TB, H, H, in, inOff, params, layout.offset("head." + k + ".w"), head[k], 0, true);
            be.tanhForward(head[k], 0, head[k], 0, (long) TB * H);
            in = head[k];
            inOff = 0;
        }

        // 3. Output projection and loss.
        be.fillRows(logits, 0, TB, V, params, layout.offset("out.b"));
        be.matmul(false, false, TB, V, H, in, inOff, params, layout.offset("out.w"), logits, 0, true);
        if (lossSlot >= 0) {
            be.softmaxXent(logits, 0, TB, V, targets, training ? logits : null, 0, 1f / TB, rowLoss, 0);
            be.reduceSum(rowLoss, 0, TB, false, scalars, lossSlot, true);
        }
    }

    /**
     * Backward pass after a training {@link #forward}: zeroes the gradients, then fills them with
     * dL/dparams of the batch's mean loss, and puts their sum of squares in {@link #gradSumSq()}.
     */
    public void backward(long dropoutSeed) {
        final int H = cfg.hidden(), GH = cfg.gateWidth(), V = cfg.vocab(), L = cfg.layers();
        final int TB = T * B;
        final long bh = (long) B * H;
        final boolean drop = cfg.dropout() > 0;
        be.fill(grads, 0, layout.size(), 0f);

        // The top recurrent layer's output as the head saw it.
        Buf top = drop ? dropped[L - 1] : fw[L - 1].h();
        long topOff = drop ? 0 : bh;
        Buf in = head.length > 0 ? head[head.length - 1] : top;
        long inOff = head.length > 0 ? 0 : topOff;

        // 1. Output projection: logits now hold dlogits.
        be.colSumAcc(logits, 0, TB, V, grads, layout.offset("out.b"));
        be.matmul(true, false, H, V, TB, in, inOff, logits, 0, grads, layout.offset("out.w"), true);
        Buf dIn = head.length > 0 ? headGradA : bw[L - 1].dhOut();
        be.matmul(false, true, TB, H, V, logits, 0, params, layout.offset("out.w"), dIn, 0, false);

        // 2. Head layers, last first; the gradient of the first one's input lands in the top dhOut.
        for (int k = head.length - 1; k >= 0; k--) {
            be.tanhBackward(head[k], 0, dIn, 0, dIn, 0, (long) TB * H);
            Buf kin = k > 0 ? head[k - 1] : top;
            long kinOff = k > 0 ? 0 : topOff;
            be.colSumAcc(dIn, 0, TB, H, grads, layout.offset("head." + k + ".b"));
            be.matmul(true, false, H, H, TB, kin, kinOff, dIn, 0, grads, layout.offset("head." + k + ".w"), true);
            Buf dOut = k > 0 ? (dIn == headGradA ? headGradB : headGradA) : bw[L - 1].dhOut();
            be.matmul(false, true, TB, H, H, dIn, 0, params, layout.offset("head." + k + ".w"), dOut, 0, false);
            dIn = dOut;
        }
        if (drop) {
            be.dropout(bw[L - 1].dhOut(), 0, bw[L - 1].dhOut(), 0, (long) TB * H, cfg.dropout(),
                    Dropout.hash(dropoutSeed, site(L - 1)));
        }

        // 3. Recurrent layers, top first; within a layer, back through time.
        for (int l = L - 1; l >= 0; l--) {
            CellBuffers f = fw[l];
            CellGrads g = bw[l];
            long wx = layout.offset("layers." + l + ".wx");
            long wh = layout.offset("layers." + l + ".wh");
            long b = layout.offset("layers." + l + ".b");

            be.fill(g.dh(), 0, bh, 0f);
            if (g.dc() != null) {
                be.fill(g.dc(), 0, bh, 0f);
            }
            for (int t = T - 1; t >= 0; t--) {
                be.cellBackward(cfg.cell(), t, B, H, f, g);
                if (t > 0) {  // dh[0] is not needed: the carried state is detached
                    be.matmul(false, true, B, H, GH, g.dhp(), (long) t * B * GH, params, wh, g.dh(), 0, true);
                }
            }

            // Weight gradients over all T steps at once.
            be.matmul(true, false, H, GH, TB, f.h(), 0, g.dhp(), 0, grads, wh, true);
            be.colSumAcc(g.dxp(), 0, TB, GH, grads, b);
            if (l == 0) {
                be.scatterAddRows(inputs, g.dxp(), 0, GH, grads, wx);
            } else {
                Buf x = drop ? dropped[l - 1] : fw[l - 1].h();
                long xOff = drop ? 0 : bh;
                be.matmul(true, false, H, GH, TB, x, xOff, g.dxp(), 0, grads, wx, true);
                Buf dx = bw[l - 1].dhOut();
                be.matmul(false, true, TB, H, GH, g.dxp(), 0, params, wx, dx, 0, false);
                if (drop) {
                    be.dropout(dx, 0, dx, 0, (long) TB * H, cfg.dropout(), Dropout.hash(dropoutSeed, site(l - 1)));
                }
            }
        }

        // 4. Global gradient norm, squared, for clipping and the log.
        be.reduceSum(grads, 0, layout.size(), true, gradSumSq, 0, false);
    }

    @Override
    public void close() {
        // Buffers belong to the backend and go with it.
    }
}
