package org.gpurnn.backend;

/**
 * The dropout mask as a pure function of (seed, index), so that any backend draws the same mask
 * without storing it: a SplitMix64 finaliser over {@code seed + (i + 1) * golden}, whose top 24 bits
 * give a uniform u in [0, 1); the element is kept when {@code u >= p}. kernels/pointwise.cl computes
 * the same bits.
 */
public final class Dropout {

    private Dropout() {
    }

    /** The 64-bit hash behind the mask. */
    public static long hash(long seed, long i) {
        long z = seed + (i + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 24 bits, exactly representable as a float. */
    public static float uniform(long seed, long i) {
        return (float) (hash(seed, i) >>> 40) * (1.0f / 16777216.0f);
    }

    /** Whether element i survives dropout with drop probability p. */
    public static boolean keep(long seed, long i, float p) {
        return uniform(seed, i) >= p;
    }
}
