// Softmax cross-entropy per row of a (rows, V) logits matrix against integer targets:
//   rowLoss[r]    = log(sum_v exp(z[r, v] - max_r)) + max_r - z[r, target[r]]
//   dlogits[r, v] = (softmax(z[r])[v] - (v == target[r])) * gradScale
// with max_r the row maximum, subtracted before exponentiating so that nothing overflows.
//
// Layouts (row-major, offsets in elements):
//   logits   (rows, V)  row r at logits[off + r*V]
//   dlogits  (rows, V)  row r at dlogits[dOff + r*V]; may be the same memory as logits (same
//                       offset): every element is read and then written by the same work-item,
//                       and the target logit is read before any element of the row is written
//   targets  (>= rows)  ids in [0, V)
//   rowLoss  (rows)     at rowLoss[rowLossOff + r]
//
// Kernels:
//   softmax_xent  one work-group per row (global size rows*SOFTMAX_WG, local size SOFTMAX_WG). Its
//                 work-items stride over the row three times: maximum, sum of exponentials (both
//                 reduced through local memory), then the gradient. With hasGrad == 0 only the loss
//                 is written and dlogits is never touched (the host passes a dummy buffer). Any
//                 V >= 1 works: work-items past the end of a short row contribute the identity.
//   softmax_xent_rows
//                 one work-item per row (1-D, global size >= rows, any local size; extra work-items
//                 return), the same three passes as plain loops, with no local memory or barriers.
//                 The host uses it on CPU devices, where a work-group is a loop run by one thread
//                 and the barrier-separated reductions of softmax_xent cost far more than the math.
//                 Each pass walks the row SOFTMAX_VW elements at a time in vector arithmetic (the
//                 vector exp of the kernel library is much faster than scalar calls), then the
//                 last V % SOFTMAX_VW elements one by one. Same arguments and aliasing rules as
//                 softmax_xent.
//
// Tunables: SOFTMAX_WG (softmax_xent), SOFTMAX_VW 4, 8 or 16 (softmax_xent_rows).
//
// TODO(softmax-small-V): with V much smaller than SOFTMAX_WG most of a work-group idles; packing
// several rows into one work-group (a sub-group per row) would help the smallest vocabularies.

#ifndef SOFTMAX_WG
#define SOFTMAX_WG 256   // work-items per row; a power of two
#endif

#ifndef SOFTMAX_VW
#define SOFTMAX_VW 8     // floats per vector in softmax_xent_rows
#endif
#define SMX_CAT_(a, b) a##b
#define SMX_CAT(a, b) SMX_CAT_(a, b)
#define SVEC SMX_CAT(float, SOFTMAX_VW)
#define SLOAD SMX_CAT(vload, SOFTMAX_VW)
#define SSTORE SMX_CAT(vstore, SOFTMAX_VW)

#if (SOFTMAX_WG & (SOFTMAX_WG - 1)) != 0
#error "SOFTMAX_WG must be a power of two"
#endif

// ---------------------------------------------------------------------------------------------
// Work-group reductions through local memory (every work-item gets the result)

static inline float group_max(__local float* scratch, const float x)
{
    const int lid = get_local_id(0);
    scratch[lid] = x;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int w = SOFTMAX_WG / 2; w > 0; w >>= 1) {
        if (lid < w) {
            scratch[lid] = fmax(scratch[lid], scratch[lid + w]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float result = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);   // scratch is reused by the next reduction
    return result;
}

static inline float group_sum(__local float* scratch, const float x)
{
    const int lid = get_local_id(0);
    scratch[lid] = x;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int w = SOFTMAX_WG / 2; w > 0; w >>= 1) {
        if (lid < w) {
            scratch[lid] += scratch[lid + w];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float result = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return result;
}

// ---------------------------------------------------------------------------------------------
// Softmax and cross-entropy, one row per work-group

__kernel __attribute__((reqd_work_group_size(SOFTMAX_WG, 1, 1)))
void softmax_xent(const __global float* logits, const int off, const int rows, const int V,
                  const __global int* targets,
                  __global float* dlogits, const int dOff, const int hasGrad, const float gradScale,
                  __global float* rowLoss, const int rowLossOff)
{
    __local float scratch[SOFTMAX_WG];
    const int r = get_group_id(0);
    const int lid = get_local_id(0);
    if (r >= rows) {
        return;   // uniform across the work-group, so no barrier is skipped by only some
    }
    const __global float* z = logits + off + r * V;
    const int y = targets[r];
    const float zy = z[y];   // read before the gradient loop may overwrite the row

    float m = -INFINITY;
    for (int v = lid; v < V; v += SOFTMAX_WG) {
        m = fmax(m, z[v]);
    }
    m = group_max(scratch, m);

    float s = 0.0f;
    for (int v = lid; v < V; v += SOFTMAX_WG) {
        s += exp(z[v] - m);
    }
    s = group_sum(scratch, s);
    const float logSum = log(s);

    if (hasGrad) {
        __global float* d = dlogits + dOff + r * V;
        for (int v = lid; v < V; v += SOFTMAX_WG) {
            const float p = exp(z[v] - m - logSum);
            d[v] = (p - (v == y ? 1.0f : 0.0f)) * gradScale;
        }
    }
    if (lid == 0) {
        rowLoss[rowLossOff + r] = logSum + m - zy;
    }
}

// ---------------------------------------------------------------------------------------------
// Softmax and cross-entropy, one row per work-item (CPU devices)

// Largest and summed lanes of a vector, halving it pairwise.
static inline float vmax4(const float4 v)
{
    const float2 t = fmax(v.lo, v.hi);
    return fmax(t.x, t.y);
}

static inline float vmax8(const float8 v)
{
    return vmax4(fmax(v.lo, v.hi));
}

static inline float vmax16(const float16 v)
{
    return vmax8(fmax(v.lo, v.hi));
}

static inline float vsum4(const float4 v)
{
    const float2 t = v.lo + v.hi;
    return t.x + t.y;
}

static inline float vsum8(const float8 v)
{
    return vsum4(v.lo + v.hi);
}

static inline float vsum16(const float16 v)
{
    return vsum8(v.lo + v.hi);
}

__kernel void softmax_xent_rows(const __global float* logits, const int off, const int rows, const int V,
                                const __global int* targets,
                                __global float* dlogits, const int dOff, const int hasGrad,
                                const float gradScale, __global float* rowLoss, const int rowLossOff)
{
    const int r = get_global_id(0);
    if (r >= rows) {
        return;
    }
    const __global float* z = logits + off + r * V;
    const int y = targets[r];
    const float zy = z[y];   // read before the gradient loop may overwrite the row
    const int nv = V / SOFTMAX_VW;          // whole vectors
    const int tail = nv * SOFTMAX_VW;       // first element of the scalar tail

    SVEC mv = (SVEC) (-INFINITY);
    for (int q = 0; q < nv; q++) {
        mv = fmax(mv, SLOAD(q, z));
    }
    float m = SMX_CAT(vmax, SOFTMAX_VW)(mv);
    for (int v = tail; v < V; v++) {
        m = fmax(m, z[v]);
    }

    SVEC sv = (SVEC) 0.0f;
    for (int q = 0; q < nv; q++) {
        sv += exp(SLOAD(q, z) - m);
    }
    float s = SMX_CAT(vsum, SOFTMAX_VW)(sv);
    for (int v = tail; v < V; v++) {
        s += exp(z[v] - m);
    }
    const float logSum = log(s);

    if (hasGrad) {
        __global float* d = dlogits + dOff + r * V;
        for (int q = 0; q < nv; q++) {
            SSTORE(exp(SLOAD(q, z) - m - logSum) * gradScale, q, d);
        }
        for (int v = tail; v < V; v++) {
            d[v] = exp(z[v] - m - logSum) * gradScale;
        }
        d[y] = (exp(zy - m - logSum) - 1.0f) * gradScale;   // the one-hot part, from the saved logit
    }
    rowLoss[rowLossOff + r] = logSum + m - zy;
}
