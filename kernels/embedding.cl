// Embedding lookup and its gradient. The product of a one-hot input with a (V, C) table is a row
// lookup, so the forward pass gathers rows and the backward pass adds rows back.
//
// Layouts (row-major, offsets in elements):
//   table    (V, cols)   row v at table[tableOff + v*cols]
//   bias     (cols)      at bias[biasOff]
//   src, dst (n, cols)   row r at dst[dstOff + r*cols]
//   ids      (n)         token id of row r, in [0, V)
//   order    (n)         rows sorted by id (stable); rows with id v are
//                        order[segStart[v] .. segStart[v+1])
//   segStart (V + 1)     segment starts into order
//
// Kernels (1-D launches, global size rounded up to the work-group size; extra work-items return):
//   gather_rows       one work-item per (r, j): dst[r, j] = table[ids[r], j] + bias[j] (overwrites)
//   scatter_add_rows  one work-item per (v, j): table[v, j] += sum of src[r, j] over the rows r
//                     with id v, summed in row order. Each table element has exactly one writer,
//                     so the result is deterministic and needs no atomics; ids that do not occur
//                     are left untouched.
//
// No compile-time tunables: the host picks the work-group size.
//
// TODO(gather-cpu): gather_rows divides per element and moves one float per work-item; on CPU devices
// it takes ~15 ms for a 2048 x 1024 table gather, where a row-per-work-item vector copy would be
// several times faster.
//
// TODO(scatter-balance): a work-item walks its whole segment, so a very frequent id (a space in a
// text corpus) makes one column of work-items much longer than the rest; splitting long segments
// over several work-items with a second summing pass would even this out.

// ---------------------------------------------------------------------------------------------
// Forward: gather

__kernel void gather_rows(const int n, const int cols, const __global int* ids,
                          const __global float* table, const int tableOff,
                          const __global float* bias, const int biasOff,
                          __global float* dst, const int dstOff)
{
    const int i = get_global_id(0);
    if (i >= n * cols) {
        return;
    }
    const int r = i / cols;
    const int j = i - r * cols;
    dst[dstOff + i] = table[tableOff + ids[r] * cols + j] + bias[biasOff + j];
}

// ---------------------------------------------------------------------------------------------
// Backward: segmented scatter-add

__kernel void scatter_add_rows(const int vocab, const int cols,
                               const __global int* order, const __global int* segStart,
                               const __global float* src, const int srcOff,
                               __global float* table, const int tableOff)
{
    const int i = get_global_id(0);
    if (i >= vocab * cols) {
        return;
    }
    const int v = i / cols;
    const int j = i - v * cols;
    const int begin = segStart[v];
    const int end = segStart[v + 1];
    if (begin == end) {
        return;
    }
    float sum = 0.0f;
    for (int s = begin; s < end; s++) {
        sum += src[srcOff + order[s] * cols + j];
    }
    table[tableOff + i] += sum;
}
