// Minimal gated unit, one time step t, pointwise part fused into one kernel each way. Gate blocks
// of width H in the order f, n; the single forget gate both resets (scaling the recurrent product
// after the matmul) and interpolates, with f on the new-candidate side.
//   forward   f = sigmoid(xp_f + hp_f), n = tanh(xp_n + f*hp_n), h = (1-f)*h_prev + f*n
//   backward  with dh = dhOut[t] + dh_carry:
//             dan = dh*f*(1-n^2)   daf = (dh*(n - h_prev) + dan*hp_n) * f*(1-f)
//             dxp = (daf, dan), dhp = (daf, dan*f), dh_carry = dh*(1-f)
// The recurrent matmul dhp · Wh^T is added into dh_carry by the caller after the backward kernel.
//
// Layouts (row-major, every buffer starts at element 0):
//   xp, hp, act, dxp, dhp  (T, B, 2H)    row b of step t at (t*B + b)*2H; act keeps f, n
//   h                      (T+1, B, H)   h[t] is the state before step t
//   dhOut                  (T, B, H)     dL/dh[t+1] from above
//   dh                     (B, H)        carry from step t+1 on entry
//
// Kernels (1-D, one work-item per (b, j), i = b*H + j < B*H; the global size is rounded up to the
// work-group size and extra work-items return):
//   mgu_forward   reads xp[t], hp[t], h[t]; writes h[t+1], act[t]
//   mgu_backward  reads act[t], hp[t], h[t], dhOut[t], dh; writes dxp[t], dhp[t], dh
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

__kernel void mgu_forward(const int t, const int B, const int H,
                          const __global float* xp, const __global float* hp,
                          __global float* h, __global float* act)
{
    const int i = get_global_id(0);
    if (i >= B * H) {
        return;
    }
    const int b = i / H;
    const int j = i - b * H;
    const int g0 = (t * B + b) * 2 * H + j;   // column j of block 0, row b of step t
    const int prev = t * B * H + i;           // (t, b, j) of (T+1, B, H)

    const float f = sigmoid(xp[g0] + hp[g0]);
    const float n = tanh(xp[g0 + H] + f * hp[g0 + H]);
    act[g0] = f;
    act[g0 + H] = n;
    h[prev + B * H] = (1.0f - f) * h[prev] + f * n;
}

// ---------------------------------------------------------------------------------------------
// Backward

__kernel void mgu_backward(const int t, const int B, const int H,
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
    const int g0 = (t * B + b) * 2 * H + j;
    const int prev = t * B * H + i;

    const float f = act[g0];
    const float n = act[g0 + H];
    const float dht = dhOut[t * B * H + i] + dh[i];
    const float dan = dht * f * (1.0f - n * n);
    const float df = dht * (n - h[prev]) + dan * hp[g0 + H];
    const float daf = df * f * (1.0f - f);
    dxp[g0] = daf;
    dhp[g0] = daf;
    dxp[g0 + H] = dan;
    dhp[g0 + H] = dan * f;
    dh[i] = dht * (1.0f - f);
}
