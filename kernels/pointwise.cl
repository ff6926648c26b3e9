// Elementwise helpers and the bias broadcast and column sum.
//
// Layouts (row-major, offsets in elements): a (rows, cols) matrix has element (r, j) at
// [off + r*cols + j]; a bias row has element j at [biasOff + j]; ranges are [off, off + n).
//
// Kernels (1-D unless said; the global size is rounded up to the work-group size and work-items
// past the end return):
//   fill_f32       dst[off + i] = value                                   i in [0, n)
//   fill_rows      dst[r, j] = bias[j]                                    one work-item per (r, j)
//   col_sum_acc    dst[j] += sum_r src[r, j]                              2-D, see below
//   dropout        dst[i] = keep(seed, i) ? src[i] * scale : 0            i in [0, n), relative to
//                  the range start; scale = 1/(1-p), computed by the host in IEEE float so that
//                  both backends multiply by the same value. src and dst may be the same memory.
//   tanh_forward   y = tanh(x); y may be x
//   tanh_backward  dx = dy * (1 - y^2); dx may be dy
//
// col_sum_acc: a work-group of COLSUM_WX x COLSUM_WY work-items covers COLSUM_WX adjacent columns;
// work-item (lx, ly) sums rows ly, ly + COLSUM_WY, ... of its column (neighbouring work-items read
// neighbouring words), then the COLSUM_WY partial sums of a column are added in a fixed order.
// Launch: local (COLSUM_WX, COLSUM_WY), global (ceil(cols/COLSUM_WX)*COLSUM_WX, COLSUM_WY).
//
// col_sum_acc_cols: the form for CPU devices, without local memory or barriers. Work-item g sums
// columns 8g .. 8g+8 down all rows in one float8 (or, for the last columns when cols % 8 != 0, one
// column at a time). Rows are added in order, as the reference does. Launch: 1-D, global size >=
// ceil(cols/8), any local size.
//
// The dropout mask is the SplitMix64 finaliser of Dropout.java, bit for bit, in 64-bit unsigned
// arithmetic (wrapping multiplication, logical shifts): z = seed + (i + 1) * golden, three
// xor-shift-multiply rounds, then the top 24 bits as a uniform u in [0, 1); kept when u >= p.
//
// TODO(colsum-rows): only ceil(cols/COLSUM_WX) work-groups run, which leaves most of a large GPU
// idle for narrow matrices with many rows (the output bias); splitting the rows over several
// groups with a second pass would fix it.

#ifndef COLSUM_WX
#define COLSUM_WX 32   // columns per col_sum_acc work-group
#endif
#ifndef COLSUM_WY
#define COLSUM_WY 8    // work-items sharing one column, each summing every COLSUM_WY-th row
#endif

// ---------------------------------------------------------------------------------------------
// Fill and broadcast

__kernel void fill_f32(__global float* dst, const int off, const int n, const float value)
{
    const int i = get_global_id(0);
    if (i < n) {
        dst[off + i] = value;
    }
}

__kernel void fill_rows(__global float* dst, const int off, const int rows, const int cols,
                        const __global float* bias, const int biasOff)
{
    const int i = get_global_id(0);
    if (i >= rows * cols) {
        return;
    }
    const int r = i / cols;
    dst[off + i] = bias[biasOff + i - r * cols];
}

// ---------------------------------------------------------------------------------------------
// Column sums (bias gradients), accumulated

__kernel __attribute__((reqd_work_group_size(COLSUM_WX, COLSUM_WY, 1)))
void col_sum_acc(const __global float* src, const int off, const int rows, const int cols,
                 __global float* dst, const int dstOff)
{
    __local float scratch[COLSUM_WY][COLSUM_WX];
    const int lx = get_local_id(0);
    const int ly = get_local_id(1);
    const int j = get_global_id(0);
    float s = 0.0f;
    if (j < cols) {
        for (int r = ly; r < rows; r += COLSUM_WY) {
            s += src[off + r * cols + j];
        }
    }
    scratch[ly][lx] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (ly == 0 && j < cols) {
        float total = 0.0f;
        for (int y = 0; y < COLSUM_WY; y++) {
            total += scratch[y][lx];
        }
        dst[dstOff + j] += total;
    }
}

__kernel void col_sum_acc_cols(const __global float* src, const int off, const int rows, const int cols,
                               __global float* dst, const int dstOff)
{
    const int j0 = get_global_id(0) * 8;
    if (j0 >= cols) {
        return;
    }
    if (j0 + 8 <= cols) {
        float8 s = (float8) 0.0f;
        for (int r = 0; r < rows; r++) {
            s += vload8(0, src + off + r * cols + j0);
        }
        vstore8(vload8(0, dst + dstOff + j0) + s, 0, dst + dstOff + j0);
    } else {
        for (int j = j0; j < cols; j++) {
            float s = 0.0f;
            for (int r = 0; r < rows; r++) {
                s += src[off + r * cols + j];
            }
            dst[dstOff + j] += s;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Dropout with a counter-based mask

static inline ulong splitmix64(const ulong seed, const ulong i)
{
    ulong z = seed + (i + 1UL) * 0x9E3779B97F4A7C15UL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
    return z ^ (z >> 31);
}

__kernel void dropout(const __global float* src, const int srcOff,
                      __global float* dst, const int dstOff,
                      const int n, const float p, const float scale, const long seed)
{
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const ulong bits = splitmix64((ulong) seed, (ulong) i);
    const float u = (float) (bits >> 40) * (1.0f / 16777216.0f);   // top 24 bits, exact in float
    dst[dstOff + i] = u >= p ? src[srcOff + i] * scale : 0.0f;
}

// ---------------------------------------------------------------------------------------------
// tanh and its derivative

__kernel void tanh_forward(const __global float* x, const int xOff,
                           __global float* y, const int yOff, const int n)
{
    const int i = get_global_id(0);
    if (i < n) {
        y[yOff + i] = tanh(x[xOff + i]);
    }
}

__kernel void tanh_backward(const __global float* y, const int yOff,
                            const __global float* dy, const int dyOff,
                            __global float* dx, const int dxOff, const int n)
{
    const int i = get_global_id(0);
    if (i < n) {
        const float v = y[yOff + i];
        dx[dxOff + i] = dy[dyOff + i] * (1.0f - v * v);
    }
}
