package org.gpurnn.opencl;

import static org.jocl.CL.CL_KERNEL_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.CL_QUEUE_PROFILING_ENABLE;
import static org.jocl.CL.CL_QUEUE_PROPERTIES;
import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clBuildProgram;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clCreateCommandQueue;
import static org.jocl.CL.clCreateCommandQueueWithProperties;
import static org.jocl.CL.clCreateContext;
import static org.jocl.CL.clCreateKernel;
import static org.jocl.CL.clCreateProgramWithSource;
import static org.jocl.CL.clEnqueueCopyBuffer;
import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;
import static org.jocl.CL.clFinish;
import static org.jocl.CL.clGetKernelWorkGroupInfo;
import static org.jocl.CL.clGetProgramBuildInfo;
import static org.jocl.CL.clReleaseCommandQueue;
import static org.jocl.CL.clReleaseContext;
import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clReleaseMemObject;
import static org.jocl.CL.clReleaseProgram;
import static org.jocl.CL.clSetKernelArg;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gpurnn.backend.Backend;
import org.gpurnn.backend.Buf;
import org.gpurnn.backend.CellBuffers;
import org.gpurnn.backend.CellGrads;
import org.gpurnn.backend.CellType;
import org.gpurnn.backend.Optimizer;
import org.gpurnn.backend.OptimizerArgs;
import org.gpurnn.backend.Tokens;
import org.gpurnn.opencl.ClOptions.MatmulKernel;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;
import org.jocl.cl_queue_properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Backend} on one OpenCL device: one context, one in-order command queue, and the kernels of
 * {@code kernels/*.cl}, each program built once (on first use) per source file and build options.
 *
 * <p>Every op only enqueues work; nothing is read back to the host except by {@link #download}. Element
 * offsets are passed to the kernels as int arguments, so every buffer range an op touches must end
 * below 2^31 elements (checked, with the buffer's size, before each launch). Global sizes are rounded
 * up to the work-group size and the kernels ignore the extra work-items.
 *
 * <p>Kernel variants are picked per device type: on CPU devices (a work-group is a loop run by one
 * thread, so local memory and barriers only cost) the matmul, softmax, column-sum, reduction and LSTM
 * kernels use forms without them, with vector arithmetic; elsewhere the work-group forms. With
 * {@value ClProfiler#PROPERTY}=true every command is timed per kernel (see {@link ClProfiler}).
 *
 * <p>Not thread-safe: one thread drives a backend (kernel objects are shared between launches).
 * Device buffers are released when their {@link ClBuf} is garbage-collected or the backend is closed.
 */
public final class ClBackend implements Backend {

    private static final Logger log = LoggerFactory.getLogger(ClBackend.class);
    private static final Cleaner CLEANER = Cleaner.create();

    /** Tile configurations of the tiled matmul: build options and tile edge (work-group is 16x16). */
    private static final String MATMUL_64 = "-DTS_M=64 -DTS_N=64 -DTS_K=16 -DWPT_M=4 -DWPT_N=4";
    private static final String MATMUL_32 = "-DTS_M=32 -DTS_N=32 -DTS_K=16 -DWPT_M=2 -DWPT_N=2";
    /** Work-items per tiled work-group along each dimension: TS / WPT in both configurations. */
    private static final int MATMUL_RTS = 16;
    /**
     * Default register-blocked matmul tunables (-D options of matmul.cl): rows per work-item (nn, tn),
     * floats per vector, vectors of columns per work-item (nn, tn), rows and columns per work-item (nt).
     * The system property {@value #MATMUL_REG_PROPERTY} = "M,VW,NV,NT_M,NT_N" overrides them, for tuning.
     */
    private static final int[] MATMUL_REG_DEFAULTS = {8, 16, 1, 4, 4};
    /** Source rows per work-item of transpose (-DTR_ROWS). */
    private static final int TRANSPOSE_ROWS = 16;
    /** Work-group width of transpose (columns); the source rows' lines are reused within a group. */
    private static final int TRANSPOSE_COLS = 16;
    /** Smallest K from which a tn product on a CPU device goes through transposed copies and nt. */
    private static final int TN_TRANSPOSE_MIN_K = 64;
    static final String MATMUL_REG_PROPERTY = "gpurnn.opencl.matmulReg";
    /** Columns per work-item of the vector LSTM kernels, passed to lstm_cell.cl as LSTM_VW. */
    private static final int LSTM_VW = 8;
    private static final String LSTM_OPTIONS = "-DLSTM_VW=" + LSTM_VW;
    /** Smallest chunk of reduce_sum_chunks on CPU devices: enough work to outweigh a work-item's start. */
    private static final int CPU_REDUCE_CHUNK = 4096;
    /** col_sum_acc work-group shape (COLSUM_WX, COLSUM_WY). */
    private static final int COLSUM_WX = 32;
    private static final int COLSUM_WY = 8;

    private final ClDeviceInfo info;
    private final cl_device_id device;
    private final cl_context context;
    private final cl_command_queue queue;
    /** Per-kernel timing, or null (the default): see {@link ClProfiler}. */
    private final ClProfiler profiler;
    /** Profile label of the next launch instead of the kernel name; set only while profiling. */
    private String nextLabel;

    private MatmulKernel matmulKernel;
    /** Whether the device's work-groups are too small for the tiled matmul (then naive stands in). */
    private final boolean maxWgTooSmallForTiles;
    /** A CPU device: kernels without local memory or barriers are picked where there is a choice. */
    private final boolean cpu;
    private final String matmulRegOptions;
    /** Rows of C per work-item of matmul_reg_*, columns per work-item of nn/tn (their smallest N) and nt. */
    private final int regM, regN, regNtM, regNtN;
    /** Scratch for transposed matmul operands, grown on demand (the queue is in order), or null. */
    private ClBuf scratch;
    private final int wg;            // 1-D elementwise work-group size
    private final int reduceWg;      // REDUCE_WG, a power of two
    private final int reduceGroups;  // most first-stage reduce groups
    private final int softmaxWg;     // SOFTMAX_WG, a power of two
    private final String reduceOptions;
    private final String softmaxOptions;
    private final String pointwiseOptions;

    /** Built programs by "file|options". */
    private final Map<String, cl_program> programs = new HashMap<>();
    /** Kernels by "file|options#name". */
    private final Map<String, Kernel> kernels = new HashMap<>();
    /** Every live device allocation by id, released on close (or earlier by the cleaner). */
    private final Map<Long, cl_mem> live = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();

    /** (1) bound to pointer arguments a launch does not use. */
    private final cl_mem dummy;
    /** (reduceGroups) first-stage sums of reduceSum, reused by every call (the queue is in order). */
    private final ClBuf partials;
    private boolean closed;

    /** A kernel with the name used in error messages and the largest work-group it accepts. */
    private record Kernel(String name, cl_kernel kernel, long maxWg) {
    }

    ClBackend(ClDevices.Found found, ClOptions options) {
        this.info = found.info();
        this.device = found.device();
        this.matmulKernel = options.matmul();
        long maxWg = Math.max(1, info.maxWorkGroupSize());
        this.wg = (int) Math.min(options.workGroup(), maxWg);
        this.reduceWg = floorPow2((int) Math.min(options.reduceWorkGroup(), maxWg));
        this.softmaxWg = floorPow2((int) Math.min(options.softmaxWorkGroup(), maxWg));
        this.reduceGroups = options.reduceGroups();
        this.reduceOptions = "-DREDUCE_WG=" + reduceWg;
        this.softmaxOptions = "-DSOFTMAX_WG=" + softmaxWg;
        this.pointwiseOptions = "-DCOLSUM_WX=" + COLSUM_WX + " -DCOLSUM_WY=" + COLSUM_WY;
        this.cpu = info.type() == ClDeviceInfo.Type.CPU;
        this.maxWgTooSmallForTiles = maxWg < (long) MATMUL_RTS * MATMUL_RTS;
        if (maxWgTooSmallForTiles && (matmulKernel == MatmulKernel.TILED_32 || matmulKernel == MatmulKernel.TILED_64)) {
            log.warn("{}: work-groups of at most {} work-items; using the naive matmul", info.name(), maxWg);
            this.matmulKernel = MatmulKernel.NAIVE;
        }
        int[] reg = MATMUL_REG_DEFAULTS.clone();
        String regProp = System.getProperty(MATMUL_REG_PROPERTY);
        if (regProp != null && !regProp.isBlank()) {
            String[] parts = regProp.split(",");
            for (int i = 0; i < Math.min(parts.length, reg.length); i++) {
                reg[i] = Integer.parseInt(parts[i].trim());
            }
        }
        this.regM = reg[0];
        this.regN = reg[1] * reg[2];
        this.regNtM = reg[3];
        this.regNtN = reg[4];
        this.matmulRegOptions = "-DREG_M=" + reg[0] + " -DREG_VW=" + reg[1] + " -DREG_NV=" + reg[2]
                + " -DREG_NT_M=" + reg[3] + " -DREG_NT_N=" + reg[4] + " -DTR_ROWS=" + TRANSPOSE_ROWS;
        cl_context ctx = null;
        cl_command_queue q = null;
        try {
            ctx = clCreateContext(null, 1, new cl_device_id[] {device}, null, null, null);
            q = createQueue(ctx, device, info, ClProfiler.requested());
        } catch (CLException e) {
            if (ctx != null) {
                clReleaseContext(ctx);
            }
            throw new ClCallException(q == null && ctx != null ? "clCreateCommandQueue" : "clCreateContext",
                    e.getStatus(), e);
        }
        this.context = ctx;
        this.queue = q;
        this.profiler = ClProfiler.requested() ? new ClProfiler() : null;
        this.dummy = createMem(Sizeof.cl_float, "dummy buffer");
        live.put(nextId.getAndIncrement(), dummy);
        // Scratch whose contents never matter: no zero fill, so opening builds no program.
        this.partials = new ClBuf(this, createMem((long) reduceGroups * Sizeof.cl_float, "reduce partials"),
                reduceGroups);
        live.put(nextId.getAndIncrement(), partials.mem);
        log.debug("opened {}", describe());
    }

    /** An in-order queue, profiling or not, by the call the device's OpenCL version provides. */
    private static cl_command_queue createQueue(cl_context ctx, cl_device_id device, ClDeviceInfo info,
                                                boolean profiling) {
        long props = profiling ? CL_QUEUE_PROFILING_ENABLE : 0;
        if (openclMajor(info.openclVersion()) >= 2) {
            cl_queue_properties p = new cl_queue_properties();
            if (profiling) {
                p.addProperty(CL_QUEUE_PROPERTIES, props);
            }
            return clCreateCommandQueueWithProperties(ctx, device, p, null);
        }
        return createQueue12(ctx, device, props);
    }

    @SuppressWarnings("deprecation")   // the only queue constructor an OpenCL 1.x platform has
    private static cl_command_queue createQueue12(cl_context ctx, cl_device_id device, long props) {
        return clCreateCommandQueue(ctx, device, props, null);
    }

    /** 3 for "OpenCL 3.0 CUDA"; 1 when the string does not parse. */
    static int openclMajor(String version) {
        Matcher m = Pattern.compile("OpenCL (\\d+)\\.").matcher(version);
        return m.lookingAt() ? Integer.parseInt(m.group(1)) : 1;
    }

    // ---------------------------------------------------------------------------------------------
    // Identity and settings

    @Override
    public String name() {
        return "opencl";
    }

    /** {@code opencl: NVIDIA H200 (NVIDIA Corporation, OpenCL 3.0 CUDA, driver 550.54, 139 GiB)}. */
    @Override
    public String describe() {
        return "opencl: " + info.name() + " (" + info.vendor() + ", " + info.openclVersion() + ", driver "
                + info.driverVersion() + ", " + info.memoryGiB() + ")";
    }

    /** The device this backend runs on. */
    public ClDeviceInfo device() {
        return info;
    }

    /** The matrix-product kernel in use. */
    public MatmulKernel matmulKernel() {
        return matmulKernel;
    }

    /** Switches the matrix-product kernel, so that tests can compare the variants on one context. */
    void setMatmulKernel(MatmulKernel kernel) {
        this.matmulKernel = kernel;
    }

    // ---------------------------------------------------------------------------------------------
    // Memory

    @Override
    public Buf alloc(long n) {
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("opencl: one buffer of this model needs " + n + " values, more than "
                    + "the kernels index (2^31); lower --hidden, --batch or --seq");
        }
        cl_mem mem = createMem(Math.max(1, n) * Sizeof.cl_float, "buffer of " + n + " floats");
        ClBuf buf = new ClBuf(this, mem, n);
        track(buf, mem);
        fill(buf, 0, n, 0f);
        return buf;
    }

    @Override
    public void upload(Buf dst, long off, float[] src, int srcOff, int n) {
        ClBuf d = buf(dst);
        range(d, off, n, "upload destination");
        if (srcOff < 0 || n < 0 || srcOff + n > src.length) {
            throw new IllegalArgumentException("opencl: upload source range [" + srcOff + ", " + (srcOff + n)
                    + ") outside an array of " + src.length);
        }
        if (n == 0) {
            return;
        }
        try {
            clEnqueueWriteBuffer(queue, d.mem, CL_TRUE, off * Sizeof.cl_float, (long) n * Sizeof.cl_float,
                    Pointer.to(src).withByteOffset((long) srcOff * Sizeof.cl_float), 0, null, null);
        } catch (CLException e) {
            throw new ClCallException("clEnqueueWriteBuffer(upload)", e.getStatus(), e);
        }
    }

    @Override
    public void download(Buf src, long off, float[] dst, int dstOff, int n) {
        ClBuf s = buf(src);
        range(s, off, n, "download source");
        if (dstOff < 0 || n < 0 || dstOff + n > dst.length) {
            throw new IllegalArgumentException("opencl: download destination range [" + dstOff + ", "
                    + (dstOff + n) + ") outside an array of " + dst.length);
        }
        if (n == 0) {
            return;
        }
        try {
            clEnqueueReadBuffer(queue, s.mem, CL_TRUE, off * Sizeof.cl_float, (long) n * Sizeof.cl_float,
                    Pointer.to(dst).withByteOffset((long) dstOff * Sizeof.cl_float), 0, null, null);
        } catch (CLException e) {
            throw new ClCallException("clEnqueueReadBuffer(download)", e.getStatus(), e);
        }
        if (profiler != null) {
            profiler.resolve(false);   // the blocking read drained the in-order queue
        }
    }

    @Override
    public void fill(Buf dst, long off, long n, float value) {
        ClBuf d = buf(dst);
        int o = range(d, off, n, "fill destination");
        if (n == 0) {
            return;
        }
        launch1(kernel("pointwise.cl", pointwiseOptions, "fill_f32"), n, d.mem, o, (int) n, value);
    }

    @Override
    public void copy(Buf src, long srcOff, Buf dst, long dstOff, long n) {
        ClBuf s = buf(src);
        ClBuf d = buf(dst);
        range(s, srcOff, n, "copy source");
        range(d, dstOff, n, "copy destination");
        if (n == 0) {
            return;
        }
        if (s == d && srcOff < dstOff + n && dstOff < srcOff + n) {
            throw new IllegalArgumentException("opencl: copy ranges overlap");
        }
        try {
            cl_event ev = profiler != null ? profiler.newEvent() : null;
            clEnqueueCopyBuffer(queue, s.mem, d.mem, srcOff * Sizeof.cl_float, dstOff * Sizeof.cl_float,
                    n * Sizeof.cl_float, 0, null, ev);
            if (ev != null) {
                profiler.record("copy_buffer", ev);
            }
        } catch (CLException e) {
            throw new ClCallException("clEnqueueCopyBuffer(copy)", e.getStatus(), e);
        }
    }

    @Override
    public Tokens allocTokens(int n, int vocab) {
        if (n < 1 || vocab < 1) {
            throw new IllegalArgumentException("tokens: need n >= 1 and vocab >= 1, got n=" + n + " vocab=" + vocab);
        }
        cl_mem ids = createMem((long) n * Sizeof.cl_int, "token ids");
        cl_mem order = createMem((long) n * Sizeof.cl_int, "token order");
        cl_mem seg = createMem((long) (vocab + 1) * Sizeof.cl_int, "token segments");
        ClTokens t = new ClTokens(this, n, vocab, ids, order, seg);
        track(t, ids, order, seg);
        return t;
    }

    @Override
    public void setTokens(Tokens tokens, int[] ids) {
        ClTokens t = tokens(tokens);
        t.setHost(ids);
        try {
            // Blocking writes: the host arrays are rewritten by the next setTokens.
            // TODO(upload-async): a blocking write waits for the kernels queued before it, so the host
            // cannot run ahead of the device; and the grouping (order, segStart) is uploaded for every
            // token set though only the inputs' scatter-add reads it. Double-buffered non-blocking
            // writes from direct buffers, with the grouping only where it is used, would fix both.
            clEnqueueWriteBuffer(queue, t.ids, CL_TRUE, 0, (long) t.n * Sizeof.cl_int,
                    Pointer.to(t.ids()), 0, null, null);
            clEnqueueWriteBuffer(queue, t.order, CL_TRUE, 0, (long) t.n * Sizeof.cl_int,
                    Pointer.to(t.order()), 0, null, null);
            clEnqueueWriteBuffer(queue, t.segStart, CL_TRUE, 0, (long) (t.vocab + 1) * Sizeof.cl_int,
                    Pointer.to(t.segStart()), 0, null, null);
        } catch (CLException e) {
            throw new ClCallException("clEnqueueWriteBuffer(setTokens)", e.getStatus(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Dense algebra

    @Override
    public void matmul(boolean transA, boolean transB, int M, int N, int K,
                       Buf A, long offA, Buf B, long offB, Buf C, long offC, boolean accumulate) {
        if (M < 0 || N < 0 || K < 0) {
            throw new IllegalArgumentException("matmul: negative size M=" + M + " N=" + N + " K=" + K);
        }
        ClBuf a = buf(A);
        ClBuf b = buf(B);
        ClBuf c = buf(C);
        int oa = range(a, offA, (long) M * K, "matmul A");
        int ob = range(b, offB, (long) K * N, "matmul B");
        int oc = range(c, offC, (long) M * N, "matmul C");
        if (M == 0 || N == 0 || (K == 0 && accumulate)) {
            return;
        }
        int acc = accumulate ? 1 : 0;
        MatmulKernel variant = matmulKernel;
        String shape = profiler == null ? null
                : " " + (transA ? "t" : "n") + (transB ? "t" : "n") + " " + M + "x" + N + "x" + K;
        if (variant == MatmulKernel.AUTO && cpu) {
            variant = MatmulKernel.REG;
        }
        if (variant == MatmulKernel.REG) {
            // Preconditions of matmul_reg_* (see matmul.cl): no tt form, and nn/tn need N >= REG_N.
            if (transA && transB) {
                variant = MatmulKernel.AUTO;
            } else if (transA && K >= TN_TRANSPOSE_MIN_K) {
                // op(A) = A^T and op(B) = B, both stored (K, .): transpose both so rows run along k.
                ClBuf tmp = scratch((long) K * (M + N));
                transpose(K, M, a.mem, oa, tmp.mem, 0);
                transpose(K, N, b.mem, ob, tmp.mem, M * K);
                nextLabel = shape == null ? null : "matmul_reg via nt" + shape;
                launch(kernel("matmul.cl", matmulRegOptions, "matmul_reg_nt"),
                        new long[] {ceilDiv(N, regNtN), ceilDiv(M, regNtM)}, null,
                        M, N, K, tmp.mem, 0, tmp.mem, M * K, c.mem, oc, acc);
                return;
            } else if (transB || N >= regN) {
                nextLabel = shape == null ? null : "matmul_reg" + shape;
                String name = "matmul_reg_" + (transA ? "t" : "n") + (transB ? "t" : "n");
                long[] global = transB ? new long[] {ceilDiv(N, regNtN), ceilDiv(M, regNtM)}
                        : new long[] {ceilDiv(N, regN), ceilDiv(M, regM)};
                // TODO(matmul-cpu-local): the runtime picks the work-group; explicit shapes measured no
                // better than noise on a busy 2-core machine, worth a sweep on a quiet many-core one.
                launch(kernel("matmul.cl", matmulRegOptions, name), global, null,
                        M, N, K, a.mem, oa, b.mem, ob, c.mem, oc, acc);
                return;
            } else {
                variant = MatmulKernel.NAIVE;
            }
        }
        if (variant == MatmulKernel.AUTO) {
            // Large tiles reuse each loaded element more, but only pay off when there are enough of them
            // to occupy every compute unit.
            long tiles64 = ceilDiv(M, 64) * ceilDiv(N, 64);
            variant = tiles64 >= info.computeUnits() ? MatmulKernel.TILED_64 : MatmulKernel.TILED_32;
            if (maxWgTooSmallForTiles) {
                variant = MatmulKernel.NAIVE;
            }
        }
        if (variant == MatmulKernel.NAIVE) {
            nextLabel = shape == null ? null : "matmul_v1" + shape;
            launch(kernel("matmul.cl", "", "matmul_v1"), new long[] {N, M}, null,
                    transA ? 1 : 0, transB ? 1 : 0, M, N, K, a.mem, oa, b.mem, ob, c.mem, oc, acc);
            return;
        }
        int tile = variant == MatmulKernel.TILED_64 ? 64 : 32;
        String options = variant == MatmulKernel.TILED_64 ? MATMUL_64 : MATMUL_32;
        String name = "matmul_tiled_" + (transA ? "t" : "n") + (transB ? "t" : "n");
        long[] global = {ceilDiv(N, tile) * MATMUL_RTS, ceilDiv(M, tile) * MATMUL_RTS};
        long[] local = {MATMUL_RTS, MATMUL_RTS};
        nextLabel = shape == null ? null : name + (tile == 64 ? "/64" : "/32") + shape;
        launch(kernel("matmul.cl", options, name), global, local,
                M, N, K, a.mem, oa, b.mem, ob, c.mem, oc, acc);
    }

    /** dst[dstOff ..] (cols, rows) = src[off ..] (rows, cols) transposed. */
    private void transpose(int rows, int cols, cl_mem src, int off, cl_mem dst, int dstOff) {
        // Groups of TRANSPOSE_COLS adjacent columns, which read the same source lines one after another.
        launch(kernel("matmul.cl", matmulRegOptions, "transpose"),
                new long[] {ceilDiv(cols, TRANSPOSE_COLS) * TRANSPOSE_COLS, ceilDiv(rows, TRANSPOSE_ROWS)},
                new long[] {TRANSPOSE_COLS, 1}, rows, cols, src, off, dst, dstOff);
    }

    /** The scratch buffer, grown to at least n floats; its contents are undefined. */
    private ClBuf scratch(long n) {
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("opencl: scratch of " + n + " elements is past what kernels index");
        }
        if (scratch == null || scratch.size() < n) {
            // A released buffer lives on until the commands already queued on it are done.
            cl_mem mem = createMem(n * Sizeof.cl_float, "matmul scratch");
            ClBuf grown = new ClBuf(this, mem, n);
            track(grown, mem);
            scratch = grown;
        }
        return scratch;
    }

    @Override
    public void fillRows(Buf dst, long off, int rows, int cols, Buf bias, long biasOff) {
        ClBuf d = buf(dst);
        ClBuf b = buf(bias);
        int o = range(d, off, (long) rows * cols, "fillRows destination");
        int ob = range(b, biasOff, cols, "fillRows bias");
        if ((long) rows * cols == 0) {
            return;
        }
        launch1(kernel("pointwise.cl", pointwiseOptions, "fill_rows"), (long) rows * cols,
                d.mem, o, rows, cols, b.mem, ob);
    }

    @Override
    public void colSumAcc(Buf src, long off, int rows, int cols, Buf dst, long dstOff) {
        ClBuf s = buf(src);
        ClBuf d = buf(dst);
        int o = range(s, off, (long) rows * cols, "colSumAcc source");
        int od = range(d, dstOff, cols, "colSumAcc destination");
        if (rows == 0 || cols == 0) {
            return;
        }
        if (cpu) {
            launch1(kernel("pointwise.cl", pointwiseOptions, "col_sum_acc_cols"), ceilDiv(cols, 8),
                    s.mem, o, rows, cols, d.mem, od);
            return;
        }
        launch(kernel("pointwise.cl", pointwiseOptions, "col_sum_acc"),
                new long[] {ceilDiv(cols, COLSUM_WX) * COLSUM_WX, COLSUM_WY}, new long[] {COLSUM_WX, COLSUM_WY},
                s.mem, o, rows, cols, d.mem, od);
    }

    @Override
    public void reduceSum(Buf src, long off, long n, boolean squares, Buf dst, long dstOff, boolean accumulate) {
        ClBuf s = buf(src);
        ClBuf d = buf(dst);
        int o = range(s, off, n, "reduceSum source");
        int od = range(d, dstOff, 1, "reduceSum destination");
        int acc = accumulate ? 1 : 0;
        int sq = squares ? 1 : 0;
        if (cpu) {
            // Contiguous chunks of at least CPU_REDUCE_CHUNK, a multiple of 8, one per work-item.
            Kernel k = kernel("reduce.cl", reduceOptions, "reduce_sum_chunks");
            long groups = Math.max(1, Math.min(reduceGroups, ceilDiv(n, CPU_REDUCE_CHUNK)));
            int chunk = (int) Math.max(8, ceilDiv(ceilDiv(n, groups), 8) * 8);
            groups = Math.max(1, ceilDiv(n, chunk));
            if (groups == 1) {
                launch(k, new long[] {1}, null, s.mem, o, (int) n, chunk, sq, d.mem, od, acc);
                return;
            }
            launch(k, new long[] {groups}, null, s.mem, o, (int) n, chunk, sq, partials.mem, 0, 0);
            launch(k, new long[] {1}, null, partials.mem, 0, (int) groups, (int) groups, 0, d.mem, od, acc);
            return;
        }
        Kernel k = kernel("reduce.cl", reduceOptions, "reduce_sum");
        long groups = Math.max(1, Math.min(reduceGroups, ceilDiv(n, reduceWg)));
        long[] local = {reduceWg};
        if (groups == 1) {
            launch(k, local, local, s.mem, o, (int) n, sq, d.mem, od, acc);
            return;
        }
        launch(k, new long[] {groups * reduceWg}, local, s.mem, o, (int) n, sq, partials.mem, 0, 0);
        launch(k, local, local, partials.mem, 0, (int) groups, 0, d.mem, od, acc);
    }

    // ---------------------------------------------------------------------------------------------
    // Embedding

    @Override
    public void gatherRows(Tokens tokens, Buf table, long tableOff, int cols, Buf bias, long biasOff,
                           Buf dst, long dstOff) {
        ClTokens t = tokens(tokens);
        ClBuf w = buf(table);
        ClBuf b = buf(bias);
        ClBuf d = buf(dst);
        int ow = range(w, tableOff, (long) t.vocab * cols, "gatherRows table");
        int ob = range(b, biasOff, cols, "gatherRows bias");
        int od = range(d, dstOff, (long) t.n * cols, "gatherRows destination");
        if (cols == 0) {
            return;
        }
        launch1(kernel("embedding.cl", "", "gather_rows"), (long) t.n * cols,
                t.n, cols, t.ids, w.mem, ow, b.mem, ob, d.mem, od);
    }

    @Override
    public void scatterAddRows(Tokens tokens, Buf src, long srcOff, int cols, Buf table, long tableOff) {
        ClTokens t = tokens(tokens);
        ClBuf s = buf(src);
        ClBuf w = buf(table);
        int os = range(s, srcOff, (long) t.n * cols, "scatterAddRows source");
        int ow = range(w, tableOff, (long) t.vocab * cols, "scatterAddRows table");
        if (cols == 0) {
            return;
        }
        launch1(kernel("embedding.cl", "", "scatter_add_rows"), (long) t.vocab * cols,
                t.vocab, cols, t.order, t.segStart, s.mem, os, w.mem, ow);
    }

    // ---------------------------------------------------------------------------------------------
    // Recurrent cells

    @Override
    public void cellForward(CellType cell, int t, int B, int H, CellBuffers f) {
        checkCell(cell, t, B, H);
        ClBuf xp = buf(f.xp());
        ClBuf hp = buf(f.hp());
        ClBuf h = buf(f.h());
        ClBuf act = buf(f.act());
        long gates = (long) B * cell.gates * H;    // one step of a (T, B, G*H) buffer
        long states = (long) B * H;                // one step of a (T+1, B, H) buffer
        range(xp, t * gates, gates, "xp[t]");
        range(hp, t * gates, gates, "hp[t]");
        range(act, t * gates, gates, "act[t]");
        range(h, t * states, 2 * states, "h[t..t+1]");
        if (states == 0) {
            return;
        }
        switch (cell) {
            case RNN -> launch1(kernel("rnn_cell.cl", "", "rnn_forward"), states,
                    t, B, H, xp.mem, hp.mem, h.mem, act.mem);
            case LSTM -> {
                ClBuf c = buf(f.c());
                range(c, t * states, 2 * states, "c[t..t+1]");
                if (lstmVec(H)) {
                    launch1(kernel("lstm_cell.cl", LSTM_OPTIONS, "lstm_forward_vec"), states / LSTM_VW,
                            t, B, H, xp.mem, hp.mem, h.mem, c.mem, act.mem);
                } else {
                    launch1(kernel("lstm_cell.cl", LSTM_OPTIONS, "lstm_forward"), states,
                            t, B, H, xp.mem, hp.mem, h.mem, c.mem, act.mem);
                }
            }
            case GRU -> launch1(kernel("gru_cell.cl", "", "gru_forward"), states,
                    t, B, H, xp.mem, hp.mem, h.mem, act.mem);
            case MGU -> launch1(kernel("mgu_cell.cl", "", "mgu_forward"), states,
                    t, B, H, xp.mem, hp.mem, h.mem, act.mem);
            default -> throw new IllegalArgumentException("unknown cell " + cell);
        }
    }

    @Override
    public void cellBackward(CellType cell, int t, int B, int H, CellBuffers f, CellGrads g) {
        checkCell(cell, t, B, H);
        ClBuf hp = buf(f.hp());
        ClBuf h = buf(f.h());
        ClBuf act = buf(f.act());
        ClBuf dhOut = buf(g.dhOut());
        ClBuf dh = buf(g.dh());
        ClBuf dxp = buf(g.dxp());
        ClBuf dhp = buf(g.dhp());
        long gates = (long) B * cell.gates * H;    // one step of a (T, B, G*H) buffer
        long states = (long) B * H;                // one step of a (T+1, B, H) or (T, B, H) buffer
        range(hp, t * gates, gates, "hp[t]");
        range(act, t * gates, gates, "act[t]");
        range(dxp, t * gates, gates, "dxp[t]");
        range(dhp, t * gates, gates, "dhp[t]");
        range(h, t * states, 2 * states, "h[t..t+1]");
        range(dhOut, t * states, states, "dhOut[t]");
        range(dh, 0, states, "dh");
        if (states == 0) {
            return;
        }
        switch (cell) {
            case RNN -> launch1(kernel("rnn_cell.cl", "", "rnn_backward"), states,
                    t, B, H, act.mem, dhOut.mem, dh.mem, dxp.mem, dhp.mem);
            case LSTM -> {
                ClBuf c = buf(f.c());
                ClBuf dc = buf(g.dc());
                range(c, t * states, 2 * states, "c[t..t+1]");
                range(dc, 0, states, "dc");
                boolean vec = lstmVec(H);
                launch1(kernel("lstm_cell.cl", LSTM_OPTIONS, vec ? "lstm_backward_vec" : "lstm_backward"),
                        vec ? states / LSTM_VW : states,
                        t, B, H, c.mem, act.mem, dhOut.mem, dh.mem, dc.mem, dxp.mem, dhp.mem);
            }
            case GRU -> launch1(kernel("gru_cell.cl", "", "gru_backward"), states,
                    t, B, H, hp.mem, h.mem, act.mem, dhOut.mem, dh.mem, dxp.mem, dhp.mem);
            case MGU -> launch1(kernel("mgu_cell.cl", "", "mgu_backward"), states,
                    t, B, H, hp.mem, h.mem, act.mem, dhOut.mem, dh.mem, dxp.mem, dhp.mem);
            default -> throw new IllegalArgumentException("unknown cell " + cell);
        }
    }

    /** The vector LSTM kernels suit CPU devices, for widths they divide. */
    private boolean lstmVec(int H) {
        return cpu && H % LSTM_VW == 0;
    }

    private static void checkCell(CellType cell, int t, int B, int H) {
        if (t < 0 || B < 0 || H < 0) {
            throw new IllegalArgumentException(cell.id() + ": negative step or size t=" + t + " B=" + B + " H=" + H);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Loss

    @Override
    public void softmaxXent(Buf logits, long off, int rows, int V, Tokens targets,
                            Buf dlogits, long dOff, float gradScale, Buf rowLoss, long rowLossOff) {
        ClBuf z = buf(logits);
        ClTokens y = tokens(targets);
        ClBuf loss = buf(rowLoss);
        int oz = range(z, off, (long) rows * V, "softmaxXent logits");
        int ol = range(loss, rowLossOff, rows, "softmaxXent rowLoss");
        if (y.n < rows || y.vocab > V) {
            throw new IllegalArgumentException("softmaxXent: targets hold " + y.n + " ids below " + y.vocab
                    + ", need at least " + rows + " ids below " + V);
        }
        cl_mem dmem = dummy;
        int od = 0;
        if (dlogits != null) {
            ClBuf d = buf(dlogits);
            od = range(d, dOff, (long) rows * V, "softmaxXent dlogits");
            dmem = d.mem;
        }
        if (rows == 0) {
            return;
        }
        if (cpu) {
            launch1(kernel("softmax_xent.cl", softmaxOptions, "softmax_xent_rows"), rows,
                    z.mem, oz, rows, V, y.ids, dmem, od, dlogits != null ? 1 : 0, gradScale, loss.mem, ol);
            return;
        }
        launch(kernel("softmax_xent.cl", softmaxOptions, "softmax_xent"),
                new long[] {(long) rows * softmaxWg}, new long[] {softmaxWg},
                z.mem, oz, rows, V, y.ids, dmem, od, dlogits != null ? 1 : 0, gradScale, loss.mem, ol);
    }

    // ---------------------------------------------------------------------------------------------
    // Pointwise helpers

    @Override
    public void dropout(Buf src, long srcOff, Buf dst, long dstOff, long n, float p, long seed) {
        ClBuf s = buf(src);
        ClBuf d = buf(dst);
        int os = range(s, srcOff, n, "dropout source");
        int od = range(d, dstOff, n, "dropout destination");
        if (n == 0) {
            return;
        }
        float scale = 1.0f / (1.0f - p);   // IEEE float here, the same value the reference multiplies by
        launch1(kernel("pointwise.cl", pointwiseOptions, "dropout"), n, s.mem, os, d.mem, od, (int) n, p, scale, seed);
    }

    @Override
    public void tanhForward(Buf x, long xOff, Buf y, long yOff, long n) {
        ClBuf a = buf(x);
        ClBuf b = buf(y);
        int oa = range(a, xOff, n, "tanhForward x");
        int ob = range(b, yOff, n, "tanhForward y");
        if (n == 0) {
            return;
        }
        launch1(kernel("pointwise.cl", pointwiseOptions, "tanh_forward"), n, a.mem, oa, b.mem, ob, (int) n);
    }

    @Override
    public void tanhBackward(Buf y, long yOff, Buf dy, long dyOff, Buf dx, long dxOff, long n) {
        ClBuf a = buf(y);
        ClBuf g = buf(dy);
        ClBuf o = buf(dx);
        int oa = range(a, yOff, n, "tanhBackward y");
        int og = range(g, dyOff, n, "tanhBackward dy");
        int oo = range(o, dxOff, n, "tanhBackward dx");
        if (n == 0) {
            return;
        }
        launch1(kernel("pointwise.cl", pointwiseOptions, "tanh_backward"), n,
                a.mem, oa, g.mem, og, o.mem, oo, (int) n);
    }

    // ---------------------------------------------------------------------------------------------
    // Optimizer

    @Override
    public void optimizerStep(Optimizer opt, long n, Buf params, Buf grads, Buf s1, Buf s2, Buf sumSq,
                              float clip, OptimizerArgs args) {
        ClBuf p = buf(params);
        ClBuf g = buf(grads);
        ClBuf ss = buf(sumSq);
        range(p, 0, n, "optimizer params");
        range(g, 0, n, "optimizer grads");
        range(ss, 0, 1, "optimizer sumSq");
        if (n == 0) {
            return;
        }
        switch (opt) {
            case SGD -> launch1(kernel("optimizer.cl", "", "sgd_step"), n,
                    (int) n, p.mem, g.mem, ss.mem, clip, args.lr());
            case ADAGRAD -> {
                ClBuf cache = buf(s1);
                range(cache, 0, n, "adagrad cache");
                launch1(kernel("optimizer.cl", "", "adagrad_step"), n,
                        (int) n, p.mem, g.mem, cache.mem, ss.mem, clip, args.lr(), args.eps());
            }
            case ADAM -> {
                ClBuf m = buf(s1);
                ClBuf v = buf(s2);
                range(m, 0, n, "adam m");
                range(v, 0, n, "adam v");
                launch1(kernel("optimizer.cl", "", "adam_step"), n,
                        (int) n, p.mem, g.mem, m.mem, v.mem, ss.mem, clip, args.lr(), args.beta1(), args.beta2(),
                        args.eps(), args.biasCorrection1(), args.biasCorrection2());
            }
            default -> throw new IllegalArgumentException("unknown optimizer " + opt);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Synchronisation and teardown

    @Override
    public void finish() {
        try {
            clFinish(queue);
        } catch (CLException e) {
            throw new ClCallException("clFinish", e.getStatus(), e);
        }
        if (profiler != null) {
            profiler.resolve(false);
        }
    }

    /** Whether this backend times its commands ({@value ClProfiler#PROPERTY}). */
    public boolean profiling() {
        return profiler != null;
    }

    /** Per-label device time of the commands so far, largest first; empty when not profiling. */
    public List<ClProfiler.Row> profile() {
        if (profiler == null) {
            return List.of();
        }
        finish();
        return profiler.rows();
    }

    /** {@link #profile()} as a printable table; empty when not profiling. */
    public String profileReport() {
        return profiler == null ? "" : ClProfiler.format(profile());
    }

    /** Forgets the times measured so far, e.g. after warm-up. */
    public void resetProfile() {
        if (profiler != null) {
            finish();
            profiler.reset();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            clFinish(queue);
            if (profiler != null) {
                profiler.resolve(false);
                log.info("OpenCL profile of {}:\n{}", info.name(), ClProfiler.format(profiler.rows()));
            }
        } catch (CLException e) {
            log.warn("clFinish on close failed: {}", ClCallException.statusName(e.getStatus()));
        } finally {
            closed = true;
        }
        for (Kernel k : kernels.values()) {
            clReleaseKernel(k.kernel());
        }
        kernels.clear();
        for (cl_program p : programs.values()) {
            clReleaseProgram(p);
        }
        programs.clear();
        for (Long id : new ArrayList<>(live.keySet())) {
            cl_mem m = live.remove(id);
            if (m != null) {
                clReleaseMemObject(m);
            }
        }
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }

    // ---------------------------------------------------------------------------------------------
    // Programs and kernels

    /** The kernel {@code name} of {@code file} built with {@code options}; builds the program once. */
    private Kernel kernel(String file, String options, String name) {
        String key = file + '|' + options + '#' + name;
        Kernel k = kernels.get(key);
        if (k != null) {
            return k;
        }
        checkOpen();
        cl_program program = programs.get(file + '|' + options);
        if (program == null) {
            program = buildSource(file, loadSource(file), options);
            programs.put(file + '|' + options, program);
        }
        cl_kernel kernel;
        long[] maxWg = new long[1];
        try {
            kernel = clCreateKernel(program, name, null);
            clGetKernelWorkGroupInfo(kernel, device, CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t,
                    Pointer.to(maxWg), null);
        } catch (CLException e) {
            throw new ClCallException("clCreateKernel(" + name + " in " + file + ")", e.getStatus(), e);
        }
        k = new Kernel(name, kernel, maxWg[0]);
        kernels.put(key, k);
        return k;
    }

    /**
     * Compiles {@code source} for this device. On failure the program is released and a
     * {@link KernelBuildException} carries the file name, device, options, status and build log.
     */
    cl_program buildSource(String fileName, String source, String options) {
        checkOpen();
        long t0 = System.nanoTime();
        cl_program program;
        try {
            program = clCreateProgramWithSource(context, 1, new String[] {source}, null, null);
        } catch (CLException e) {
            throw new ClCallException("clCreateProgramWithSource(" + fileName + ")", e.getStatus(), e);
        }
        try {
            clBuildProgram(program, 1, new cl_device_id[] {device}, options, null, null);
        } catch (CLException e) {
            String buildLog;
            try {
                buildLog = buildLog(program);
            } catch (CLException e2) {
                buildLog = "(build log unavailable: " + ClCallException.statusName(e2.getStatus()) + ")";
            }
            clReleaseProgram(program);
            throw new KernelBuildException(fileName, info, options, e.getStatus(), buildLog, e);
        }
        if (log.isDebugEnabled()) {
            log.debug("built {} [{}] for {} in {} ms", fileName, options, info.name(),
                    (System.nanoTime() - t0) / 1_000_000);
            String warnings = buildLog(program).strip();
            if (!warnings.isEmpty()) {
                log.debug("build log of {}:\n{}", fileName, warnings);
            }
        }
        return program;
    }

    private String buildLog(cl_program program) {
        long[] size = new long[1];
        clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] bytes = new byte[(int) size[0]];
        clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, bytes.length, Pointer.to(bytes), null);
        int n = bytes.length;
        while (n > 0 && bytes[n - 1] == 0) {
            n--;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    private static String loadSource(String file) {
        try (InputStream in = ClBackend.class.getResourceAsStream("/kernels/" + file)) {
            if (in == null) {
                throw new IllegalStateException("kernel source /kernels/" + file + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read kernel source /kernels/" + file, e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Launching

    /** A 1-D launch of n work-items (rounded up to the work-group size). */
    private void launch1(Kernel k, long n, Object... args) {
        long local = Math.min(wg, k.maxWg());
        launch(k, new long[] {ceilDiv(n, local) * local}, new long[] {local}, args);
    }

    /**
     * Sets the arguments in order (cl_mem, Integer, Long, Float) and enqueues the kernel. A null local
     * size lets the runtime choose.
     */
    // TODO(launch-fusion): every launch sets all its arguments again through JNI, though inside the
    // time loop only t and an offset change; small models are bound by this and by the number of
    // launches (about 5 per time step and layer).
    private void launch(Kernel k, long[] global, long[] local, Object... args) {
        checkOpen();
        if (local != null) {
            long items = 1;
            for (long l : local) {
                items *= l;
            }
            if (items > k.maxWg()) {
                throw new ClCallException("OpenCL kernel " + k.name() + " needs work-groups of " + items
                        + " work-items but " + info.name() + " allows at most " + k.maxWg()
                        + " for it; lower the work-group tunables");
            }
        }
        cl_kernel kernel = k.kernel();
        try {
            for (int i = 0; i < args.length; i++) {
                Object a = args[i];
                if (a instanceof cl_mem m) {
                    clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to(m));
                } else if (a instanceof Integer v) {
                    clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[] {v}));
                } else if (a instanceof Float v) {
                    clSetKernelArg(kernel, i, Sizeof.cl_float, Pointer.to(new float[] {v}));
                } else if (a instanceof Long v) {
                    clSetKernelArg(kernel, i, Sizeof.cl_long, Pointer.to(new long[] {v}));
                } else {
                    throw new IllegalArgumentException("kernel " + k.name() + ": unsupported argument " + i + ": " + a);
                }
            }
        } catch (CLException e) {
            throw new ClCallException("clSetKernelArg(" + k.name() + ")", e.getStatus(), e);
        }
        try {
            if (profiler == null) {
                clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, null);
            } else {
                cl_event ev = profiler.newEvent();
                clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, ev);
                profiler.record(nextLabel != null ? nextLabel : k.name(), ev);
                nextLabel = null;
            }
        } catch (CLException e) {
            throw new ClCallException("clEnqueueNDRangeKernel(" + k.name() + ")", e.getStatus(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Buffers and checks

    private cl_mem createMem(long bytes, String what) {
        checkOpen();
        try {
            return clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null);
        } catch (CLException e) {
            throw new ClCallException("clCreateBuffer(" + what + ", " + bytes + " bytes)", e.getStatus(), e);
        }
    }

    /** Registers device memory owned by {@code holder}: released when it is unreachable, or on close. */
    private void track(Object holder, cl_mem... mems) {
        long[] ids = new long[mems.length];
        for (int i = 0; i < mems.length; i++) {
            ids[i] = nextId.getAndIncrement();
            live.put(ids[i], mems[i]);
        }
        Map<Long, cl_mem> registry = live;   // the action must not capture the holder or this backend
        CLEANER.register(holder, () -> {
            for (long id : ids) {
                cl_mem m = registry.remove(id);
                if (m != null) {
                    clReleaseMemObject(m);
                }
            }
        });
    }

    private ClBuf buf(Buf b) {
        if (!(b instanceof ClBuf c) || c.owner != this) {
            throw new IllegalArgumentException("opencl: buffer " + b + " does not belong to this backend");
        }
        return c;
    }

    private ClTokens tokens(Tokens t) {
        if (!(t instanceof ClTokens c) || c.owner != this) {
            throw new IllegalArgumentException("opencl: tokens do not belong to this backend");
        }
        return c;
    }

    /**
     * Checks that {@code [off, off + n)} lies inside the buffer and below 2^31 elements (the kernels index
     * with int); returns the offset as an int.
     */
    private static int range(ClBuf b, long off, long n, String what) {
        if (off < 0 || n < 0 || off + n > b.size()) {
            throw new IllegalArgumentException("opencl: " + what + " range [" + off + ", " + (off + n)
                    + ") is outside a buffer of " + b.size() + " elements");
        }
        if (off + n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("opencl: " + what + " range ends at element " + (off + n)
                    + ", past the 2^31 - 1 the kernels can index");
        }
        return (int) off;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("opencl: backend is closed");
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static int floorPow2(int x) {
        return Integer.highestOneBit(Math.max(1, x));
    }

    /** Names of the kernel source files, for listings and the build test. */
    static List<String> kernelFiles() {
        return List.of("matmul.cl", "embedding.cl", "rnn_cell.cl", "lstm_cell.cl", "gru_cell.cl", "mgu_cell.cl",
                "softmax_xent.cl", "reduce.cl", "pointwise.cl", "optimizer.cl");
    }
}
