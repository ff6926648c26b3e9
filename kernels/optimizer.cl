// Parameter updates over a flat parameter vector, each fused with clipping by the global norm.
//
// Every kernel reads sumSq[0], the sum of squares of the whole gradient written by reduce_sum, and
// computes the clip scale itself (s = clip/norm when clip > 0 and norm = sqrt(sumSq[0]) > clip,
// else 1), so a training step reads nothing back to the host. Gradients are only read.
//   sgd_step      p -= lr * g*s
//   adagrad_step  cache += (g*s)^2;  p -= lr * g*s / (sqrt(cache) + eps)
//   adam_step     m = beta1*m + (1-beta1)*g*s;  v = beta2*v + (1-beta2)*(g*s)^2;
//                 p -= lr * (m/bc1) / (sqrt(v/bc2) + eps)
//                 bc1 = 1 - beta1^step and bc2 = 1 - beta2^step come from the host as floats.
//
// Layouts: params, grads and the state vectors (cache; m, v) are (n) starting at element 0.
// Kernels are 1-D, one work-item per parameter; the global size is rounded up to the work-group
// size and work-items past n return.
//
// No compile-time tunables: the host picks the work-group size.

// ---------------------------------------------------------------------------------------------
// Clipping

static inline float clip_scale(const __global float* sumSq, const float clip)
{
    const float norm = sqrt(sumSq[0]);
    return (clip > 0.0f && norm > clip) ? clip / norm : 1.0f;
}

// ---------------------------------------------------------------------------------------------
// Update rules

__kernel void sgd_step(const int n, __global float* params, const __global float* grads,
                       const __global float* sumSq, const float clip, const float lr)
{
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float g = grads[i] * clip_scale(sumSq, clip);
    params[i] -= lr * g;
}

__kernel void adagrad_step(const int n, __global float* params, const __global float* grads,
                           __global float* cache, const __global float* sumSq, const float clip,
                           const float lr, const float eps)
{
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float g = grads[i] * clip_scale(sumSq, clip);
    const float c = cache[i] + g * g;
    cache[i] = c;
    params[i] -= lr * g / (sqrt(c) + eps);
}

__kernel void adam_step(const int n, __global float* params, const __global float* grads,
                        __global float* m, __global float* v, const __global float* sumSq,
                        const float clip, const float lr, const float beta1, const float beta2,
                        const float eps, const float bc1, const float bc2)
{
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    const float g = grads[i] * clip_scale(sumSq, clip);
    const float mi = beta1 * m[i] + (1.0f - beta1) * g;
    const float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    params[i] -= lr * (mi / bc1) / (sqrt(vi / bc2) + eps);
}
