package org.gpurnn.backend;

/**
 * The operations a recurrent language model needs, implemented once in plain Java (the reference,
 * {@code org.gpurnn.cpu.CpuBackend}) and once with OpenCL kernels ({@code org.gpurnn.opencl.ClBackend}).
 * The model and the BPTT loop are written against this interface only.
 *
 * <p>Conventions, shared by every op:
 * <ul>
 *   <li>Tensors are flat float buffers in row-major order (last index fastest). An op takes a buffer
 *       and an element offset into it, so a time step's slice {@code (B, X)} of a {@code (T, B, X)}
 *       buffer is {@code (buf, t*B*X)}.</li>
 *   <li>Write policy (stated per op): parameter gradients <b>accumulate</b>, activation gradients and
 *       forward outputs <b>overwrite</b>, unless the op's flag says otherwise.</li>
 *   <li>Ops are enqueued in order; a download waits for everything before it. Nothing is read back to
 *       the host unless the caller downloads it.</li>
 * </ul>
 */
public interface Backend extends AutoCloseable {

    /** Short name: {@code cpu} or {@code opencl}. */
    String name();

    /** One line naming the device, for logs. */
    String describe();

    // ---------------------------------------------------------------------------------------------
    // Memory

    /** A zero-filled float buffer of {@code n} elements. */
    Buf alloc(long n);

    /** Host to device: {@code dst[off .. off+n) = src[srcOff .. srcOff+n)}. */
    void upload(Buf dst, long off, float[] src, int srcOff, int n);

    /** Device to host: {@code dst[dstOff .. dstOff+n) = src[off .. off+n)}; waits for queued work. */
    void download(Buf src, long off, float[] dst, int dstOff, int n);

    /** {@code dst[off .. off+n) = value}. */
    void fill(Buf dst, long off, long n, float value);

    /** {@code dst[dstOff .. dstOff+n) = src[srcOff .. srcOff+n)}; the ranges must not overlap. */
    void copy(Buf src, long srcOff, Buf dst, long dstOff, long n);

    /**
     * A holder for {@code n} token ids in {@code [0, vocab)}, filled by {@link #setTokens}. It keeps
     * the ids and, for the scatter-add, the rows grouped by id (computed on the host, where the ids
     * come from anyway).
     */
    Tokens allocTokens(int n, int vocab);

    /** Uploads {@code ids[0 .. tokens.n())}; every id must be in {@code [0, vocab)}. */
    void setTokens(Tokens tokens, int[] ids);

    // ---------------------------------------------------------------------------------------------
    // Dense algebra

    /**
     * {@code C = op(A) · op(B)} or, with {@code accumulate}, {@code C += op(A) · op(B)}.
     * {@code op(A)} is (M, K): A is stored (M, K), or (K, M) when {@code transA}.
     * {@code op(B)} is (K, N): B is stored (K, N), or (N, K) when {@code transB}. C is (M, N).
     * All three are contiguous at their offsets. K may be 0 (then C is zeroed or left alone).
     */
    void matmul(boolean transA, boolean transB, int M, int N, int K,
                Buf A, long offA, Buf B, long offB, Buf C, long offC, boolean accumulate);

    /** Broadcast a row: {@code dst[r, j] = bias[j]} for r in [0, rows), j in [0, cols). Overwrites. */
    void fillRows(Buf dst, long off, int rows, int cols, Buf bias, long biasOff);

    /** Column sums: {@code dst[j] += sum_r src[r, j]}. Accumulates (a bias gradient). */
    void colSumAcc(Buf src, long off, int rows, int cols, Buf dst, long dstOff);

    /**
     * Sum of a range, or of its squares, into one element:
     * {@code dst[dstOff] (+)= sum_i f(src[off + i])} for i in [0, n), f = identity or square.
     */
    void reduceSum(Buf src, long off, long n, boolean squares, Buf dst, long dstOff, boolean accumulate);

    // ---------------------------------------------------------------------------------------------
    // Embedding: the product of a one-hot input with a (V, C) table is a row lookup

    /** {@code dst[r, :] = table[ids[r], :] + bias[:]} for r in [0, tokens.n()). Overwrites. */
    void gatherRows(Tokens tokens, Buf table, long tableOff, int cols, Buf bias, long biasOff,
                    Buf dst, long dstOff);

    /** {@code table[ids[r], :] += src[r, :]} for r in [0, tokens.n()). Accumulates (its gradient). */
    void scatterAddRows(Tokens tokens, Buf src, long srcOff, int cols, Buf table, long tableOff);

    // ---------------------------------------------------------------------------------------------
    // Recurrent cells: the pointwise part of one time step, fused

    /**
     * One time step's pointwise work for {@code cell} (see {@link CellType} for the equations).
     * Reads {@code xp[t], hp[t], h[t], c[t]}; writes {@code h[t+1], c[t+1], act[t]}.
     * Layouts in {@link CellBuffers}.
     */
    void cellForward(CellType cell, int t, int B, int H, CellBuffers f);

    /**
     * Backward of {@link #cellForward} at step t. With dhTotal = dhOut[t] + g.dh (carried from t+1)
     * and dcTotal = g.dc: writes {@code dxp[t]} and {@code dhp[t]} (overwrite), then overwrites
     * {@code g.dh} with the part of dL/dh[t] that does not pass through the recurrent matmul and
     * {@code g.dc} with dL/dc[t]. The caller then adds {@code dhp[t] · Wh^T} into {@code g.dh}.
     */
    void cellBackward(CellType cell, int t, int B, int H, CellBuffers f, CellGrads g);

    // ---------------------------------------------------------------------------------------------
    // Loss

    /**
     * Softmax and cross-entropy per row of {@code logits (rows, V)} against {@code targets}:
     * {@code rowLoss[r] = -log softmax(logits[r])[target[r]]} and
     * {@code dlogits[r, :] = (softmax(logits[r]) - onehot(target[r])) * gradScale}. Overwrites both.
     * {@code dlogits} may be null (forward only). {@code dlogits} may alias {@code logits}.
     */
    void softmaxXent(Buf logits, long off, int rows, int V, Tokens targets,
                     Buf dlogits, long dOff, float gradScale, Buf rowLoss, long rowLossOff);

    // ---------------------------------------------------------------------------------------------
    // Pointwise helpers

    /**
     * Inverted dropout with a counter-based mask: {@code dst[i] = keep(seed, i) ? src[i] / (1-p) : 0}
     * for i in [0, n), where keep is {@link Dropout#keep}. The same call is its own backward.
     * {@code dst} may equal {@code src} at the same offset.
     */
    void dropout(Buf src, long srcOff, Buf dst, long dstOff, long n, float p, long seed);

    /** {@code y = tanh(x)}, elementwise; {@code y} may alias {@code x}. */
    void tanhForward(Buf x, long xOff, Buf y, long yOff, long n);

    /** {@code dx = dy * (1 - y^2)}, elementwise; {@code dx} may alias {@code dy}. */
    void tanhBackward(Buf y, long yOff, Buf dy, long dyOff, Buf dx, long dxOff, long n);

    // ---------------------------------------------------------------------------------------------
    // Optimizer: clip by global norm, then update, in one pass over the flat parameter vector

    /**
     * Updates {@code n} parameters in place. {@code sumSq[0]} holds the sum of squares of the whole
     * gradient (from {@link #reduceSum}); when {@code clip > 0} and its square root exceeds clip, every
     * gradient is scaled by {@code clip / norm} before the update. Gradients are not modified.
     * State buffers: Adam uses {@code s1 = m, s2 = v}; Adagrad uses {@code s1 = sum of g^2}; SGD none.
     */
    void optimizerStep(Optimizer opt, long n, Buf params, Buf grads, Buf s1, Buf s2, Buf sumSq,
                       float clip, OptimizerArgs args);

    /** Waits until all queued work is done. */
    void finish();

    @Override
    void close();
}
