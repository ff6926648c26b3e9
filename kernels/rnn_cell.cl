// Vanilla (Elman) RNN cell, one time step t, pointwise part fused into one kernel each way.
//   forward   h = tanh(xp + hp)                      (act keeps h itself)
//   backward  da = (dhOut[t] + dh) * (1 - h^2);  dxp = dhp = da;  dh = 0
// The recurrent matmul dhp · Wh^T is added into dh by the caller after the backward kernel.
//
// Layouts (row-major, every buffer starts at element 0; G = 1 gate block of width H):
//   xp, hp, act, dxp, dhp  (T, B, H)     row b of step t at (t*B + b)*H
//   h                      (T+1, B, H)   h[t] is the state before step t
//   dhOut                  (T, B, H)     dL/dh[t+1] from above
//   dh                     (B, H)        carry: dL/dh[t+1] from step t+1 on entry
//
// Kernels (1-D, one work-item per (b, j), i = b*H + j < B*H; the global size is rounded up to the
// work-group size and extra work-items return):
//   rnn_forward   reads xp[t], hp[t]; writes h[t+1], act[t]
//   rnn_backward  reads act[t], dhOut[t], dh; writes dxp[t], dhp[t], dh (overwritten with 0)
//
// No compile-time tunables: the host picks the work-group size.

// ---------------------------------------------------------------------------------------------
// Forward

__kernel void rnn_forward(const int t, const int B, const int H,
                          const __global float* xp, const __global float* hp,
                          __global float* h, __global float* act)
{
    const int i = get_global_id(0);
    if (i >= B * H) {
        return;
    }
    const int g = t * B * H + i;            // element (t, b, j) of (T, B, H)
    const float y = tanh(xp[g] + hp[g]);
    act[g] = y;
    h[(t + 1) * B * H + i] = y;
}

// ---------------------------------------------------------------------------------------------
// Backward

__kernel void rnn_backward(const int t, const int B, const int H,
                           const __global float* act, const __global float* dhOut,
                           __global float* dh, __global float* dxp, __global float* dhp)
{
    const int i = get_global_id(0);
    if (i >= B * H) {
        return;
    }
    const int g = t * B * H + i;
    const float y = act[g];
    const float da = (dhOut[g] + dh[i]) * (1.0f - y * y);
    dxp[g] = da;
    dhp[g] = da;
    dh[i] = 0.0f;
}
