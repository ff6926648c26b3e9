// GRU cell, one time step t, pointwise part fused into one kernel each way. Gate blocks of width H
// in the order r, z, n; the reset gate scales the recurrent product after the matmul.
//   forward   r = sigmoid(xp_r + hp_r), z = sigmoid(xp_z + hp_z), n = tanh(xp_n + r*hp_n),
//             h = (1-z)*n + z*h_prev
//   backward  with dh = dhOut[t] + dh_carry:
//             dan = dh*(1-z)*(1-n^2)   daz = dh*(h_prev - n)*z*(1-z)   dar = dan*hp_n*r*(1-r)
//             dxp = (dar, daz, dan), dhp = (dar, daz, dan*r), dh_carry = dh*z
// The recurrent matmul dhp · Wh^T is added into dh_carry by the caller after the backward kernel.
//
// Layouts (row-major, every buffer starts at element 0):
//   xp, hp, act, dxp, dhp  (T, B, 3H)    row b of step t at (t*B + b)*3H; act keeps r, z, n
//   h                      (T+1, B, H)   h[t] is the state before step t
//   dhOut                  (T, B, H)     dL/dh[t+1] from above
//   dh                     (B, H)        carry from step t+1 on entry
//
// Kernels (1-D, one work-item per (b, j), i = b*H + j < B*H; the global size is rounded up to the
// work-group size and extra work-items return):
//   gru_forward   reads xp[t], hp[t], h[t]; writes h[t+1], act[t]
//   gru_backward  reads act[t], hp[t], h[t], dhOut[t], dh; writes dxp[t], dhp[t], dh
//
// No compile-time tunables: the host picks the work-group size.
//
// TODO(cell-vector): no vector form like lstm_forward_vec yet; on CPU devices the library's scalar
// exp and tanh, one call per work-item, dominate these kernels' time.

static inline float sigmoid(const float x)
{
    return 1.0f / (1.0f + exp(-x));
}

// ---------------------------------------------------------------------------------------------
// Forward

__kernel void gru_forward(const int t, const int B, const int H,
                          const __global float* xp, const __global float* hp,
                          __global float* h, __global float* act)
{
    const int i = get_global_id(0);
    if (i >= B * H) {
        return;
    }
    const int b = i / H;
    const int j = i - b * H;
    const int g0 = (t * B + b) * 3 * H + j;   // column j of block 0, row b of step t
    const int prev = t * B * H + i;           // (t, b, j) of (T+1, B, H)

    const float r = sigmoid(xp[g0] + hp[g0]);
    const float z = sigmoid(xp[g0 + H] + hp[g0 + H]);
    const float n = tanh(xp[g0 + 2 * H] + r * hp[g0 + 2 * H]);
    act[g0] = r;
    act[g0 + H] = z;
    act[g0 + 2 * H] = n;
    h[prev + B * H] = (1.0f - z) * n + z * h[prev];
}

// ---------------------------------------------------------------------------------------------
// Backward

__kernel void gru_backward(const int t, const int B, const int H,
                           const __global float* hp, const __global float* h,
                           const __global float* act, const __global float* dhOut,
                           __global float* dh, __global float* dxp, __global float* dhp)
{
    const int i = get_global_id(0);
    if (i >= B * H) {
        return;
    }
    const int b = i / H;
    const int j = i - b * H;
    const int g0 = (t * B + b) * 3 * H + j;
    const int prev = t * B * H + i;

    const float r = act[g0];
    const float z = act[g0 + H];
    const float n = act[g0 + 2 * H];
    const float dht = dhOut[t * B * H + i] + dh[i];
    const float dan = dht * (1.0f - z) * (1.0f - n * n);
    const float daz = dht * (h[prev] - n) * z * (1.0f - z);
    const float dar = dan * hp[g0 + 2 * H] * r * (1.0f - r);
    dxp[g0] = dar;
    dhp[g0] = dar;
    dxp[g0 + H] = daz;
    dhp[g0 + H] = daz;
    dxp[g0 + 2 * H] = dan;
    dhp[g0 + 2 * H] = dan * r;
    dh[i] = dht * z;
}
