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
