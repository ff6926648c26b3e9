// Dense matrix product: C = op(A) · op(B), or C += op(A) · op(B).
//
// Layouts (row-major, offsets in elements):
//   op(A) is (M, K): A is stored (M, K), element (m, k) at A[offA + m*K + k];
//                    with transA it is stored (K, M), element (m, k) at A[offA + k*M + m].
//   op(B) is (K, N): B is stored (K, N), element (k, n) at B[offB + k*N + n];
//                    with transB it is stored (N, K), element (k, n) at B[offB + n*K + k].
//   C is (M, N), element (m, n) at C[offC + m*N + n].
// With accumulate != 0 the product is added to C, else C is overwritten. K may be 0.
// C must not overlap A or B. Every index fits in an int (the host checks offset + size < 2^31).
//
// Kernels:
//   matmul_v1        one work-item per element of C, a plain loop over K. Obviously correct, slow;
//                    kept as the reference variant for tests and as a fallback. Any 2-D launch
//                    with global size >= (N, M); out-of-range work-items return at once.
//   matmul_tiled_nn  (and _nt, _tn, _tt: transA, transB fixed at compile time)
//                    A work-group computes a TS_M x TS_N tile of C, each work-item WPT_M x WPT_N
//                    elements of it in registers. The K dimension is walked in slabs of TS_K: each
//                    slab of op(A) and op(B) is staged in local memory (zero-padded past the
//                    matrix edges, so any M, N, K works), then every work-item accumulates its
//                    outer products from there. Launch: local size (TS_N/WPT_N, TS_M/WPT_M),
//                    global size (ceil(N/TS_N)*TS_N/WPT_N, ceil(M/TS_M)*TS_M/WPT_M).
//   matmul_reg_nn, _nt, _tn, transpose
//                    register-blocked forms for CPU devices, without local memory or barriers;
//                    see their section below for layouts, launch shapes and preconditions.
// The host picks matmul_reg_* on CPU devices and the tiled kernels elsewhere (ClBackend.matmul).
//
// TODO(matmul-perf): float4 global loads and prefetching the next slab into registers while the
// current one is consumed would raise throughput on large GPUs; the host's choice between the 64
// and 32 tiles (by how many 64-tiles there are per compute unit) is a first guess to tune there.
//
// Work-item (tx, ty) of a tiled work-group owns rows ty + i*RTS_M and columns tx + j*RTS_N of the
// tile (strided rather than blocked), so that neighbouring work-items read neighbouring local
// memory words and write neighbouring words of C.

#ifndef TS_M
#define TS_M 64      // rows of C per work-group
#endif
#ifndef TS_N
#define TS_N 64      // columns of C per work-group
#endif
#ifndef TS_K
#define TS_K 16      // depth of the slab of op(A) and op(B) staged in local memory per iteration
#endif
#ifndef WPT_M
#define WPT_M 4      // rows of C per work-item; TS_M must be a multiple
#endif
#ifndef WPT_N
#define WPT_N 4      // columns of C per work-item; TS_N must be a multiple
#endif
#ifndef LPAD
#define LPAD 1       // padding of local rows: keeps column-wise stores free of bank conflicts
#endif

#define RTS_M (TS_M / WPT_M)          // work-items along M (local size in dimension 1)
#define RTS_N (TS_N / WPT_N)          // work-items along N (local size in dimension 0)
#define WG_SIZE (RTS_M * RTS_N)

#if (TS_M % WPT_M) != 0 || (TS_N % WPT_N) != 0
#error "TS_M and TS_N must be multiples of WPT_M and WPT_N"
#endif

// ---------------------------------------------------------------------------------------------
// Naive reference variant

__kernel void matmul_v1(const int transA, const int transB, const int M, const int N, const int K,
                        const __global float* A, const int offA,
                        const __global float* B, const int offB,
                        __global float* C, const int offC, const int accumulate)
{
    const int n = get_global_id(0);
    const int m = get_global_id(1);
    if (m >= M || n >= N) {
        return;
    }
    float sum = 0.0f;
    for (int k = 0; k < K; k++) {
        const float a = transA ? A[offA + k * M + m] : A[offA + m * K + k];
        const float b = transB ? B[offB + n * K + k] : B[offB + k * N + n];
        sum += a * b;
    }
    const int c = offC + m * N + n;
    C[c] = accumulate ? C[c] + sum : sum;
}

// ---------------------------------------------------------------------------------------------
// Tiled variant: shared body, specialised per transpose combination

// Stages one TS_K slab, As[kk][mm] = op(A)(m0 + mm, k0 + kk) and
// Bs[kk][nn] = op(B)(k0 + kk, n0 + nn), zero outside the matrices. The flat work-item index walks
// the slab in the stored layout's contiguous direction, so global reads are coalesced whichever
// way A and B are stored.
static inline void load_slab(const int transA, const int transB,
                             const int M, const int N, const int K,
                             const __global float* A, const int offA,
                             const __global float* B, const int offB,
                             const int m0, const int n0, const int k0, const int tid,
                             __local float (*As)[TS_M + LPAD], __local float (*Bs)[TS_N + LPAD])
{
    for (int e = tid; e < TS_M * TS_K; e += WG_SIZE) {
        int mm, kk;
        if (transA) {           // stored (K, M): consecutive e along m
            mm = e % TS_M;
            kk = e / TS_M;
        } else {                // stored (M, K): consecutive e along k
            kk = e % TS_K;
            mm = e / TS_K;
        }
        const int m = m0 + mm;
        const int k = k0 + kk;
        float v = 0.0f;
        if (m < M && k < K) {
            v = transA ? A[offA + k * M + m] : A[offA + m * K + k];
        }
        As[kk][mm] = v;
    }
    for (int e = tid; e < TS_K * TS_N; e += WG_SIZE) {
        int nn, kk;
        if (transB) {           // stored (N, K): consecutive e along k
            kk = e % TS_K;
            nn = e / TS_K;
        } else {                // stored (K, N): consecutive e along n
            nn = e % TS_N;
            kk = e / TS_N;
        }
        const int n = n0 + nn;
        const int k = k0 + kk;
        float v = 0.0f;
        if (n < N && k < K) {
            v = transB ? B[offB + n * K + k] : B[offB + k * N + n];
        }
        Bs[kk][nn] = v;
    }
}

static inline void matmul_tiled_body(const int transA, const int transB,
                                     const int M, const int N, const int K,
                                     const __global float* A, const int offA,
                                     const __global float* B, const int offB,
                                     __global float* C, const int offC, const int accumulate,
                                     __local float (*As)[TS_M + LPAD],
                                     __local float (*Bs)[TS_N + LPAD])
{
    const int tx = get_local_id(0);
    const int ty = get_local_id(1);
    const int tid = ty * RTS_N + tx;
    const int n0 = get_group_id(0) * TS_N;
    const int m0 = get_group_id(1) * TS_M;

    float acc[WPT_M][WPT_N];
    #pragma unroll
    for (int i = 0; i < WPT_M; i++) {
        #pragma unroll
        for (int j = 0; j < WPT_N; j++) {
            acc[i][j] = 0.0f;
        }
    }

    for (int k0 = 0; k0 < K; k0 += TS_K) {
        load_slab(transA, transB, M, N, K, A, offA, B, offB, m0, n0, k0, tid, As, Bs);
        barrier(CLK_LOCAL_MEM_FENCE);
        #pragma unroll
        for (int kk = 0; kk < TS_K; kk++) {
            float a[WPT_M];
            float b[WPT_N];
            #pragma unroll
            for (int i = 0; i < WPT_M; i++) {
                a[i] = As[kk][ty + i * RTS_M];
            }
            #pragma unroll
            for (int j = 0; j < WPT_N; j++) {
                b[j] = Bs[kk][tx + j * RTS_N];
            }
            #pragma unroll
            for (int i = 0; i < WPT_M; i++) {
                #pragma unroll
                for (int j = 0; j < WPT_N; j++) {
                    acc[i][j] += a[i] * b[j];
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    #pragma unroll
    for (int i = 0; i < WPT_M; i++) {
        const int m = m0 + ty + i * RTS_M;
        if (m >= M) {
            break;
        }
        #pragma unroll
        for (int j = 0; j < WPT_N; j++) {
            const int n = n0 + tx + j * RTS_N;
            if (n < N) {
                const int c = offC + m * N + n;
                C[c] = accumulate ? C[c] + acc[i][j] : acc[i][j];
            }
        }
    }
}

// One kernel per transpose combination, so each body is compiled with constant flags.
#define MATMUL_TILED_KERNEL(NAME, TA, TB)                                                         \
__kernel __attribute__((reqd_work_group_size(RTS_N, RTS_M, 1)))                                   \
void NAME(const int M, const int N, const int K,                                                  \
          const __global float* A, const int offA, const __global float* B, const int offB,      \
          __global float* C, const int offC, const int accumulate)                                \
{                                                                                                 \
    __local float As[TS_K][TS_M + LPAD];                                                          \
    __local float Bs[TS_K][TS_N + LPAD];                                                          \
    matmul_tiled_body(TA, TB, M, N, K, A, offA, B, offB, C, offC, accumulate, As, Bs);           \
}

MATMUL_TILED_KERNEL(matmul_tiled_nn, 0, 0)
MATMUL_TILED_KERNEL(matmul_tiled_nt, 0, 1)
MATMUL_TILED_KERNEL(matmul_tiled_tn, 1, 0)
MATMUL_TILED_KERNEL(matmul_tiled_tt, 1, 1)

// ---------------------------------------------------------------------------------------------
// Register-blocked variants for CPU devices: no local memory, no barriers
//
// On a CPU a work-group is a loop run by one thread, so staging tiles in local memory and
// synchronising with barriers only costs time; the cache does that job. Here each work-item
// computes a small block of C in vector registers from contiguous loads, and work-items never
// communicate. Rows past M are clamped to row M-1 for loading (their results are discarded), so
// the inner loops carry no bounds checks.
//
//   matmul_reg_nn, matmul_reg_tn   (op(B) stored (K, N): rows of B contiguous along n)
//       Work-item (nb, mb) computes rows mb*REG_M .. +REG_M and columns nb*REG_N .. +REG_N of C,
//       REG_N = REG_VW*REG_NV, as REG_M x REG_NV vectors: per k, REG_M scalars of op(A) times
//       REG_NV vectors of row k of B. At the right edge the block is shifted left to end at
//       column N (so the loads stay inside the row) and stores only its columns not owned by the
//       block before it. Precondition: N >= REG_N (the host checks and falls back otherwise).
//       Launch: global (ceil(N/REG_N), ceil(M/REG_M)), any local size.
//   matmul_reg_nt                  (A stored (M, K), B stored (N, K): both contiguous along k)
//       Work-item (nb, mb) computes REG_NT_M x REG_NT_N dot products, REG_VW elements of k at a
//       time, then sums each vector across its lanes; a scalar loop covers K % REG_VW. Columns
//       past N are clamped like rows. Any M, N, K. Launch: global (ceil(N/REG_NT_N),
//       ceil(M/REG_NT_M)), any local size.
//   (transA with transB has no register-blocked form; the host uses another variant for it.)
//   transpose                      dst (cols, rows) = src (rows, cols)^T: work-item (c, rb) moves
//       rows rb*TR_ROWS .. +TR_ROWS of column c. Launch: global (cols, ceil(rows/TR_ROWS)).
//       With a long K, tn products stride through both inputs row by row, K times, at a
//       power-of-two pitch that maps them onto few cache sets; on CPU devices the host
//       therefore transposes both into scratch and runs matmul_reg_nt instead, whose loads run
//       along rows.
//
// Tunables: REG_M, REG_NV, REG_NT_M, REG_NT_N, TR_ROWS any positive int; REG_VW 4, 8 or 16 (the
// vector width in floats: 8 suits AVX2, 16 AVX-512; LLVM splits a vector wider than the target's).
// Summation order differs from matmul_v1 (fused multiply-adds, lane-wise partial sums in nt), so
// results agree with it to rounding, not bit for bit.

#ifndef REG_M
#define REG_M 4       // rows of C per work-item
#endif
#ifndef REG_VW
#define REG_VW 8      // floats per vector
#endif
#ifndef REG_NV
#define REG_NV 2      // vectors of columns per work-item in nn/tn
#endif
#ifndef REG_NT_M
#define REG_NT_M 4    // rows of C per work-item in nt
#endif
#ifndef REG_NT_N
#define REG_NT_N 4    // columns of C per work-item in nt
#endif
#ifndef TR_ROWS
#define TR_ROWS 16    // source rows per work-item of transpose
#endif

#define REG_CAT_(a, b) a##b
#define REG_CAT(a, b) REG_CAT_(a, b)
#define VEC REG_CAT(float, REG_VW)
#define VLOAD REG_CAT(vload, REG_VW)
#define VSTORE REG_CAT(vstore, REG_VW)
#define REG_N (REG_VW * REG_NV)

#if REG_VW != 4 && REG_VW != 8 && REG_VW != 16
#error "REG_VW must be 4, 8 or 16"
#endif

// Sum of the lanes of a vector, halving it pairwise.
static inline float hsum4(const float4 v)
{
    const float2 t = v.lo + v.hi;
    return t.x + t.y;
}

static inline float hsum8(const float8 v)
{
    return hsum4(v.lo + v.hi);
}

static inline float hsum16(const float16 v)
{
    return hsum8(v.lo + v.hi);
}

#define HSUM REG_CAT(hsum, REG_VW)

// Outer-product form shared by nn and tn: acc[i][v] += op(A)(m_i, k) * B[k, n .. n + REG_VW).
static inline void matmul_reg_outer(const int transA, const int M, const int N, const int K,
                                    const __global float* A, const int offA,
                                    const __global float* B, const int offB,
                                    __global float* C, const int offC, const int accumulate)
{
    const int m0 = get_global_id(1) * REG_M;
    const int n0 = get_global_id(0) * REG_N;
    if (m0 >= M || n0 >= N) {
        return;
    }
    const int nLoad = min(n0, N - REG_N);   // shifted left at the right edge

    // Element (m_i, 0) of op(A) and its step along k, with m_i clamped to the last row.
    int aIdx[REG_M];
    #pragma unroll
    for (int i = 0; i < REG_M; i++) {
        const int m = min(m0 + i, M - 1);
        aIdx[i] = offA + (transA ? m : m * K);
    }
    const int aStep = transA ? M : 1;

    VEC acc[REG_M][REG_NV];
    #pragma unroll
    for (int i = 0; i < REG_M; i++) {
        #pragma unroll
        for (int v = 0; v < REG_NV; v++) {
            acc[i][v] = (VEC) 0.0f;
        }
    }

    const __global float* brow = B + offB + nLoad;
    for (int k = 0; k < K; k++) {
        VEC b[REG_NV];
        #pragma unroll
        for (int v = 0; v < REG_NV; v++) {
            b[v] = VLOAD(v, brow);
        }
        brow += N;
        #pragma unroll
        for (int i = 0; i < REG_M; i++) {
            const VEC a = (VEC) A[aIdx[i] + k * aStep];
            #pragma unroll
            for (int v = 0; v < REG_NV; v++) {
                acc[i][v] = fma(a, b[v], acc[i][v]);
            }
        }
    }

    #pragma unroll
    for (int i = 0; i < REG_M; i++) {
        const int m = m0 + i;
        if (m >= M) {
            break;
        }
        __global float* crow = C + offC + m * N + nLoad;
        if (nLoad == n0) {
            #pragma unroll
            for (int v = 0; v < REG_NV; v++) {
                const VEC r = accumulate ? VLOAD(v, crow) + acc[i][v] : acc[i][v];
                VSTORE(r, v, crow);
            }
        } else {
            // Shifted edge block: only columns from n0 on are this work-item's.
            float tmp[REG_N];
            #pragma unroll
            for (int v = 0; v < REG_NV; v++) {
                VSTORE(acc[i][v], v, tmp);
            }
            for (int e = n0 - nLoad; e < REG_N; e++) {
                crow[e] = accumulate ? crow[e] + tmp[e] : tmp[e];
            }
        }
    }
}

__kernel void matmul_reg_nn(const int M, const int N, const int K,
                            const __global float* A, const int offA,
                            const __global float* B, const int offB,
                            __global float* C, const int offC, const int accumulate)
{
    matmul_reg_outer(0, M, N, K, A, offA, B, offB, C, offC, accumulate);
}

__kernel void matmul_reg_tn(const int M, const int N, const int K,
                            const __global float* A, const int offA,
                            const __global float* B, const int offB,
                            __global float* C, const int offC, const int accumulate)
{
    matmul_reg_outer(1, M, N, K, A, offA, B, offB, C, offC, accumulate);
}

// Dot-product form: C[m, n] = sum_k A[m, k] * B[n, k], both rows contiguous along k.
__kernel void matmul_reg_nt(const int M, const int N, const int K,
                            const __global float* A, const int offA,
                            const __global float* B, const int offB,
                            __global float* C, const int offC, const int accumulate)
{
    const int m0 = get_global_id(1) * REG_NT_M;
    const int n0 = get_global_id(0) * REG_NT_N;
    if (m0 >= M || n0 >= N) {
        return;
    }
    const __global float* a[REG_NT_M];
    const __global float* b[REG_NT_N];
    #pragma unroll
    for (int i = 0; i < REG_NT_M; i++) {
        a[i] = A + offA + min(m0 + i, M - 1) * K;
    }
    #pragma unroll
    for (int j = 0; j < REG_NT_N; j++) {
        b[j] = B + offB + min(n0 + j, N - 1) * K;
    }

    VEC acc[REG_NT_M][REG_NT_N];
    #pragma unroll
    for (int i = 0; i < REG_NT_M; i++) {
        #pragma unroll
        for (int j = 0; j < REG_NT_N; j++) {
            acc[i][j] = (VEC) 0.0f;
        }
    }
    const int kv = K / REG_VW;   // whole vectors along k
    for (int q = 0; q < kv; q++) {
        VEC bv[REG_NT_N];
        #pragma unroll
        for (int j = 0; j < REG_NT_N; j++) {
            bv[j] = VLOAD(q, b[j]);
        }
        #pragma unroll
        for (int i = 0; i < REG_NT_M; i++) {
            const VEC av = VLOAD(q, a[i]);
            #pragma unroll
            for (int j = 0; j < REG_NT_N; j++) {
                acc[i][j] = fma(av, bv[j], acc[i][j]);
            }
        }
    }

    #pragma unroll
    for (int i = 0; i < REG_NT_M; i++) {
        const int m = m0 + i;
        if (m >= M) {
            break;
        }
        #pragma unroll
        for (int j = 0; j < REG_NT_N; j++) {
            const int n = n0 + j;
            if (n < N) {
                float s = HSUM(acc[i][j]);
                for (int k = kv * REG_VW; k < K; k++) {
                    s = fma(a[i][k], b[j][k], s);
                }
                const int c = offC + m * N + n;
                C[c] = accumulate ? C[c] + s : s;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Transpose into scratch (for tn products on CPU devices)

__kernel void transpose(const int rows, const int cols, const __global float* src, const int off,
                        __global float* dst, const int dstOff)
{
    const int c = get_global_id(0);
    const int r0 = get_global_id(1) * TR_ROWS;
    if (c >= cols || r0 >= rows) {
        return;
    }
    const int rEnd = min(r0 + TR_ROWS, rows);
    __global float* out = dst + dstOff + c * rows;
    for (int r = r0; r < rEnd; r++) {
        out[r] = src[off + r * cols + c];
    }
}
