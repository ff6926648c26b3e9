package org.gpurnn.opencl;

import java.util.Locale;

/**
 * Launch tunables of {@link ClBackend}. The work-group sizes are upper bounds: the backend lowers them
 * to what the device accepts (and to powers of two where a kernel reduces through local memory).
 *
 * @param matmul           which matrix-product kernel to use
 * @param workGroup        work-items per group for the 1-D elementwise kernels
 * @param reduceWorkGroup  work-items per group of reduce_sum (-DREDUCE_WG), a power of two
 * @param reduceGroups     most groups of the first reduce_sum stage (size of the cached partials buffer)
 * @param softmaxWorkGroup work-items per row of softmax_xent (-DSOFTMAX_WG), a power of two
 */
public record ClOptions(MatmulKernel matmul, int workGroup, int reduceWorkGroup, int reduceGroups,
                        int softmaxWorkGroup) {

    /** System property that picks the matrix-product kernel: auto, naive, tiled64, tiled32 or reg. */
    public static final String MATMUL_PROPERTY = "gpurnn.opencl.matmul";

    /** The matrix-product kernels of kernels/matmul.cl. */
    public enum MatmulKernel {
        /** reg on CPU devices; elsewhere the tiled kernel, 64x64 tiles when they fill the device, else 32x32. */
        AUTO,
        /** matmul_v1, one work-item per output element: the slow reference variant. */
        NAIVE,
        /** Tiled, 64x64 tile per work-group, 4x4 outputs per work-item. */
        TILED_64,
        /** Tiled, 32x32 tile per work-group, 2x2 outputs per work-item. */
        TILED_32,
        /** Register-blocked, no local memory (matmul_reg_*): the choice for CPU devices. */
        REG;

        /** Parses {@code auto|naive|tiled64|tiled32|reg} (also with underscores), case-insensitively. */
        public static MatmulKernel parse(String s) {
            String k = s.trim().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
            for (MatmulKernel m : values()) {
                if (m.name().toLowerCase(Locale.ROOT).replace("_", "").equals(k)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown matmul kernel '" + s
                    + "': expected one of auto, naive, tiled64, tiled32, reg");
        }
    }

    public ClOptions {
        if (matmul == null || workGroup < 1 || reduceWorkGroup < 1 || reduceGroups < 1 || softmaxWorkGroup < 1) {
            throw new IllegalArgumentException("invalid OpenCL options: " + matmul + ", " + workGroup + ", "
                    + reduceWorkGroup + ", " + reduceGroups + ", " + softmaxWorkGroup);
        }
    }

    /** The defaults, with the matmul kernel taken from {@value #MATMUL_PROPERTY} when set. */
    public static ClOptions defaults() {
        String m = System.getProperty(MATMUL_PROPERTY);
        MatmulKernel kernel = m == null || m.isBlank() ? MatmulKernel.AUTO : MatmulKernel.parse(m);
        return new ClOptions(kernel, 256, 256, 512, 256);
    }

    /** The same options with another matmul kernel. */
    public ClOptions withMatmul(MatmulKernel kernel) {
        return new ClOptions(kernel, workGroup, reduceWorkGroup, reduceGroups, softmaxWorkGroup);
    }
}
