// LSTM cell, one time step t, pointwise part fused into one kernel each way. Gate blocks of
// width H in the order i, f, o, g (block k in columns [k*H, (k+1)*H) of a G*H = 4H row).
//   forward   i, f, o = sigmoid(xp + hp), g = tanh(xp + hp), c = f*c_prev + i*g, h = o*tanh(c)
//   backward  with dh = dhOut[t] + dh_carry and tc = tanh(c[t+1]):
//             dc  = dc_carry + dh*o*(1 - tc^2)
//             dai = dc*g*i*(1-i)   daf = dc*c_prev*f*(1-f)
//             dao = dh*tc*o*(1-o)  dag = dc*i*(1-g^2)
//             dxp = dhp = (dai, daf, dao, dag);  dc_carry = dc*f;  dh_carry = 0
// The recurrent matmul dhp · Wh^T is added into dh_carry by the caller after the backward kernel.
//
// Layouts (row-major, every buffer starts at element 0):
//   xp, hp, act, dxp, dhp  (T, B, 4H)    row b of step t at (t*B + b)*4H; act keeps i, f, o, g
//   h, c                   (T+1, B, H)   h[t], c[t] are the states before step t
//   dhOut                  (T, B, H)     dL/dh[t+1] from above
//   dh, dc                 (B, H)        carries from step t+1 on entry
//
// Kernels (1-D, one work-item per (b, j), i = b*H + j < B*H; the global size is rounded up to the
// work-group size and extra work-items return):
//   lstm_forward   reads xp[t], hp[t], c[t]; writes h[t+1], c[t+1], act[t]
//   lstm_backward  reads act[t], c[t], c[t+1], dhOut[t], dh, dc; writes dxp[t], dhp[t], dh, dc
//   lstm_forward_vec, lstm_backward_vec
//                  the same, one work-item per LSTM_VW adjacent columns j of a row (1-D, global
//                  size >= B*H/LSTM_VW), in vector arithmetic. Precondition: H % LSTM_VW == 0
//                  (checked by the host, which otherwise uses the scalar kernels). The host picks
//                  them on CPU devices, where vector exp and tanh from the kernel library are
//                  several times faster than the scalar calls of one work-item each.
//
// Tunables: LSTM_VW, 4, 8 or 16 floats per vector (default 8); the host picks the work-group size.

#ifndef LSTM_VW
#define LSTM_VW 8
#endif
#define LSTM_CAT_(a, b) a##b
#define LSTM_CAT(a, b) LSTM_CAT_(a, b)
#define LVEC LSTM_CAT(float, LSTM_VW)
#define LLOAD LSTM_CAT(vload, LSTM_VW)
#define LSTORE LSTM_CAT(vstore, LSTM_VW)

static inline float sigmoid(const float x)
{
    return 1.0f / (1.0f + exp(-x));
}

static inline LVEC sigmoid_v(const LVEC x)
{
    return 1.0f / (1.0f + exp(-x));
}

// tanh through one exp: 1 - 2/(e^(2x) + 1). The library's vector tanh is several times slower on
// CPU devices; near 0 this loses relative (not absolute) accuracy, an error of a few float ulps of 1.
// e^(2x) overflows to inf for large x, which gives exactly 1, as it should.
static inline LVEC tanh_v(const LVEC x)
{
    return 1.0f - 2.0f / (exp(2.0f * x) + 1.0f);
}

// ---------------------------------------------------------------------------------------------
// Forward

__kernel void lstm_forward(const int t, const int B, const int H,
                           const __global float* xp, const __global float* hp,
                           __global float* h, __global float* c, __global float* act)
{
    const int i = get_global_id(0);
    if (i >= B * H) {
        return;
    }
    const int b = i / H;
    const int j = i - b * H;
    const int g0 = (t * B + b) * 4 * H + j;   // column j of block 0, row b of step t
    const int prev = t * B * H + i;           // (t, b, j) of (T+1, B, H)
    const int next = prev + B * H;            // (t+1, b, j)

    const float ig = sigmoid(xp[g0] + hp[g0]);
    const float fg = sigmoid(xp[g0 + H] + hp[g0 + H]);
    const float og = sigmoid(xp[g0 + 2 * H] + hp[g0 + 2 * H]);
    const float gg = tanh(xp[g0 + 3 * H] + hp[g0 + 3 * H]);
    const float cn = fg * c[prev] + ig * gg;
    act[g0] = ig;
    act[g0 + H] = fg;
    act[g0 + 2 * H] = og;
    act[g0 + 3 * H] = gg;
    c[next] = cn;
    h[next] = og * tanh(cn);
}

// ---------------------------------------------------------------------------------------------
// Backward

__kernel void lstm_backward(const int t, const int B, const int H,
                            const __global float* c, const __global float* act,
                            const __global float* dhOut,
                            __global float* dh, __global float* dc,
                            __global float* dxp, __global float* dhp)
{
    const int i = get_global_id(0);
    if (i >= B * H) {
        return;
    }
    const int b = i / H;
    const int j = i - b * H;
    const int g0 = (t * B + b) * 4 * H + j;
    const int prev = t * B * H + i;
    const int next = prev + B * H;

    const float ig = act[g0];
    const float fg = act[g0 + H];
    const float og = act[g0 + 2 * H];
    const float gg = act[g0 + 3 * H];
    const float dht = dhOut[t * B * H + i] + dh[i];
    const float tc = tanh(c[next]);
    const float dct = dc[i] + dht * og * (1.0f - tc * tc);

    const float dai = dct * gg * ig * (1.0f - ig);
    const float daf = dct * c[prev] * fg * (1.0f - fg);
    const float dao = dht * tc * og * (1.0f - og);
    const float dag = dct * ig * (1.0f - gg * gg);
    dxp[g0] = dai;
    dhp[g0] = dai;
    dxp[g0 + H] = daf;
    dhp[g0 + H] = daf;
    dxp[g0 + 2 * H] = dao;
    dhp[g0 + 2 * H] = dao;
    dxp[g0 + 3 * H] = dag;
    dhp[g0 + 3 * H] = dag;
    dc[i] = dct * fg;
    dh[i] = 0.0f;
}

// ---------------------------------------------------------------------------------------------
// Vector forms: LSTM_VW adjacent columns per work-item (CPU devices)

__kernel void lstm_forward_vec(const int t, const int B, const int H,
                               const __global float* xp, const __global float* hp,
                               __global float* h, __global float* c, __global float* act)
{
    const int i = get_global_id(0) * LSTM_VW;   // first of LSTM_VW elements (b, j..j+LSTM_VW)
    if (i >= B * H) {
        return;
    }
    const int b = i / H;
    const int j = i - b * H;
    const int g0 = (t * B + b) * 4 * H + j;
    const int prev = t * B * H + i;
    const int next = prev + B * H;

    const LVEC ig = sigmoid_v(LLOAD(0, xp + g0) + LLOAD(0, hp + g0));
    const LVEC fg = sigmoid_v(LLOAD(0, xp + g0 + H) + LLOAD(0, hp + g0 + H));
    const LVEC og = sigmoid_v(LLOAD(0, xp + g0 + 2 * H) + LLOAD(0, hp + g0 + 2 * H));
    const LVEC gg = tanh_v(LLOAD(0, xp + g0 + 3 * H) + LLOAD(0, hp + g0 + 3 * H));
    const LVEC cn = fg * LLOAD(0, c + prev) + ig * gg;
    LSTORE(ig, 0, act + g0);
    LSTORE(fg, 0, act + g0 + H);
    LSTORE(og, 0, act + g0 + 2 * H);
    LSTORE(gg, 0, act + g0 + 3 * H);
    LSTORE(cn, 0, c + next);
    LSTORE(og * tanh_v(cn), 0, h + next);
}

__kernel void lstm_backward_vec(const int t, const int B, const int H,
                                const __global float* c, const __global float* act,
                                const __global float* dhOut,
                                __global float* dh, __global float* dc,
                                __global float* dxp, __global float* dhp)
{
    const int i = get_global_id(0) * LSTM_VW;
    if (i >= B * H) {
        return;
    }
    const int b = i / H;
    const int j = i - b * H;
    const int g0 = (t * B + b) * 4 * H + j;
    const int prev = t * B * H + i;
    const int next = prev + B * H;

    const LVEC ig = LLOAD(0, act + g0);
    const LVEC fg = LLOAD(0, act + g0 + H);
    const LVEC og = LLOAD(0, act + g0 + 2 * H);
    const LVEC gg = LLOAD(0, act + g0 + 3 * H);
    const LVEC dht = LLOAD(0, dhOut + t * B * H + i) + LLOAD(0, dh + i);
    const LVEC tc = tanh_v(LLOAD(0, c + next));
    const LVEC dct = LLOAD(0, dc + i) + dht * og * (1.0f - tc * tc);

    const LVEC dai = dct * gg * ig * (1.0f - ig);
    const LVEC daf = dct * LLOAD(0, c + prev) * fg * (1.0f - fg);
    const LVEC dao = dht * tc * og * (1.0f - og);
    const LVEC dag = dct * ig * (1.0f - gg * gg);
    LSTORE(dai, 0, dxp + g0);
    LSTORE(dai, 0, dhp + g0);
    LSTORE(daf, 0, dxp + g0 + H);
    LSTORE(daf, 0, dhp + g0 + H);
    LSTORE(dao, 0, dxp + g0 + 2 * H);
    LSTORE(dao, 0, dhp + g0 + 2 * H);
    LSTORE(dag, 0, dxp + g0 + 3 * H);
    LSTORE(dag, 0, dhp + g0 + 3 * H);
    LSTORE(dct * fg, 0, dc + i);
    LSTORE((LVEC) 0.0f, 0, dh + i);
}
