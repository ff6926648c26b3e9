// Sum of a range, or of its squares, into one element, in two stages without any host readback:
//   dst[dstOff] (+)= sum_i f(src[off + i]) for i in [0, n), f = identity or square.
//
// Kernels:
//   reduce_sum  every work-item sums a grid-strided share of the range, the work-group reduces
//               those through local memory, and work-item 0 writes the group's total to
//               out[outOff + group] (added to what is there when accumulate != 0).
//               Launch: local size REDUCE_WG, global size groups*REDUCE_WG.
// The host runs it twice: once with up to a few hundred groups into a cached partials buffer, then
// once with a single group over the partials into dst (with the caller's accumulate flag). When
// the range fits in one group, the first launch writes dst directly. The order of additions
// depends only on n and the launch shape, so results are reproducible run to run.
//   reduce_sum_chunks
//               work-item g sums the contiguous chunk [g*chunk, min((g+1)*chunk, n)) of the range,
//               8 lanes at a time and then the lanes in a fixed order, and writes the sum to
//               out[outOff + g] (added to what is there when accumulate != 0). No local memory or
//               barriers: the host's choice on CPU devices, run twice like reduce_sum (the second
//               time as a single work-item over the partials). Launch: 1-D, global size >=
//               ceil(n/chunk), any local size; extra work-items return.
//
// Preconditions: off + n < 2^31 (checked by the host); the loop index is 64-bit so the strided
// walk cannot overflow near the end of the range.

#ifndef REDUCE_WG
#define REDUCE_WG 256   // work-items per group; a power of two
#endif

#if (REDUCE_WG & (REDUCE_WG - 1)) != 0
#error "REDUCE_WG must be a power of two"
#endif

// ---------------------------------------------------------------------------------------------
// Strided sum plus work-group tree

__kernel __attribute__((reqd_work_group_size(REDUCE_WG, 1, 1)))
void reduce_sum(const __global float* src, const int off, const int n, const int squares,
                __global float* out, const int outOff, const int accumulate)
{
    __local float scratch[REDUCE_WG];
    const int lid = get_local_id(0);
    const long stride = get_global_size(0);
    float s = 0.0f;
    if (squares) {
        for (long i = get_global_id(0); i < n; i += stride) {
            const float v = src[off + i];
            s += v * v;
        }
    } else {
        for (long i = get_global_id(0); i < n; i += stride) {
            s += src[off + i];
        }
    }
    scratch[lid] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int w = REDUCE_WG / 2; w > 0; w >>= 1) {
        if (lid < w) {
            scratch[lid] += scratch[lid + w];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        const int o = outOff + get_group_id(0);
        out[o] = accumulate ? out[o] + scratch[0] : scratch[0];
    }
}

// ---------------------------------------------------------------------------------------------
// Contiguous chunks, one per work-item (CPU devices)

__kernel void reduce_sum_chunks(const __global float* src, const int off, const int n, const int chunk,
                                const int squares, __global float* out, const int outOff,
                                const int accumulate)
{
    const int g = get_global_id(0);
    const long begin = (long) g * chunk;
    if (g > 0 && begin >= n) {
        return;   // work-item 0 always writes, so that an empty range still stores its zero sum
    }
    const int len = (int) min((long) chunk, n - begin);
    const __global float* p = src + off + begin;
    const int nv = len / 8;
    float8 acc = (float8) 0.0f;
    float s = 0.0f;
    if (squares) {
        for (int q = 0; q < nv; q++) {
            const float8 v = vload8(q, p);
            acc = fma(v, v, acc);
        }
        for (int i = nv * 8; i < len; i++) {
            s = fma(p[i], p[i], s);
        }
    } else {
        for (int q = 0; q < nv; q++) {
            acc += vload8(q, p);
        }
        for (int i = nv * 8; i < len; i++) {
            s += p[i];
        }
    }
    const float4 h4 = acc.lo + acc.hi;
    const float2 h2 = h4.lo + h4.hi;
    s += h2.x + h2.y;
    const int o = outOff + g;
    out[o] = accumulate ? out[o] + s : s;
}
