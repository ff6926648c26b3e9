package org.gpurnn.opencl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.gpurnn.backend.Buf;
import org.gpurnn.check.OpChecks;
import org.gpurnn.check.OpChecks.OpResult;
import org.gpurnn.cpu.CpuBackend;
import org.gpurnn.opencl.ClOptions.MatmulKernel;

/**
 * Microbenchmarks of single kernels on one backend. Every variant is first checked against the
 * plain-Java reference on the same shape (through {@link OpChecks}); a variant that fails is reported,
 * not timed.
 */
public final class ClBench {

    private ClBench() {
    }

    /** One matmul shape: {@code C(M, N) (+)= op(A)(M, K) · op(B)(K, N)}. */
    public record Shape(String what, boolean transA, boolean transB, int M, int N, int K) {

        String ops() {
            return (transA ? "t" : "n") + (transB ? "t" : "n");
        }
    }

    /**
     * One timed variant.
     *
     * @param variant the matmul kernel asked for (the backend may fall back from it for some shapes)
     * @param ms      mean time per call, from enqueue to the end of a final clFinish, over the repeats
     * @param gflops  2*M*N*K / time, or 0 when not timed
     * @param check   "ok", or the failed comparison with the reference
     */
    public record MatmulRow(String variant, Shape shape, double ms, double gflops, String check) {
    }

    /**
     * The matmul shapes of one training step of the model (see Network): per-step recurrent products,
     * the input projection of a layer above the first, the output projection, and the gradients.
     */
    public static List<Shape> trainingShapes(int batch, int seqLen, int hidden, int gates, int vocab) {
        int tb = batch * seqLen;
        int gh = gates * hidden;
        return List.of(
                new Shape("recurrent step", false, false, batch, gh, hidden),
                new Shape("recurrent step backward", false, true, batch, hidden, gh),
                new Shape("input projection", false, false, tb, gh, hidden),
                new Shape("input projection backward", false, true, tb, hidden, gh),
                new Shape("weight gradient", true, false, hidden, gh, tb),
                new Shape("output projection", false, false, tb, vocab, hidden),
                new Shape("output backward", false, true, tb, hidden, vocab),
                new Shape("output weight gradient", true, false, hidden, vocab, tb));
    }

    /**
     * Checks, then times, every variant in {@code variants} on every shape: {@code reps} calls after one
     * untimed call. Restores the backend's matmul kernel afterwards.
     */
    public static List<MatmulRow> matmulTable(ClBackend be, List<Shape> shapes, List<MatmulKernel> variants,
                                              int reps) {
        CpuBackend ref = new CpuBackend(CpuBackend.Precision.FLOAT);
        MatmulKernel old = be.matmulKernel();
        List<MatmulRow> rows = new ArrayList<>();
        try {
            for (Shape s : shapes) {
                for (MatmulKernel v : variants) {
                    be.setMatmulKernel(v);
                    OpResult r = OpChecks.run(OpChecks.matmulCase(s.M(), s.N(), s.K(), s.transA(), s.transB(), true),
                            ref, be, 1);
                    if (!r.pass()) {
                        rows.add(new MatmulRow(v.name().toLowerCase(Locale.ROOT), s, 0, 0, r.toString()));
                        continue;
                    }
                    double ms = time(be, s, Math.max(1, reps));
                    double gflops = 2.0 * s.M() * s.N() * s.K() / (ms * 1e6);
                    rows.add(new MatmulRow(v.name().toLowerCase(Locale.ROOT), s, ms, gflops, "ok"));
                }
            }
        } finally {
            be.setMatmulKernel(old);
            ref.close();
        }
        return rows;
    }

    /** Mean milliseconds of one accumulating product of shape s. */
    private static double time(ClBackend be, Shape s, int reps) {
        Random rnd = new Random(7);
        Buf a = be.alloc((long) s.M() * s.K());
        Buf b = be.alloc((long) s.K() * s.N());
        Buf c = be.alloc((long) s.M() * s.N());
        float[] ha = new float[s.M() * s.K()];
        float[] hb = new float[s.K() * s.N()];
        for (int i = 0; i < ha.length; i++) {
            ha[i] = rnd.nextFloat() * 2 - 1;
        }
        for (int i = 0; i < hb.length; i++) {
            hb[i] = rnd.nextFloat() * 2 - 1;
        }
        be.upload(a, 0, ha, 0, ha.length);
        be.upload(b, 0, hb, 0, hb.length);
        be.matmul(s.transA(), s.transB(), s.M(), s.N(), s.K(), a, 0, b, 0, c, 0, true);
        be.finish();
        long t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            be.matmul(s.transA(), s.transB(), s.M(), s.N(), s.K(), a, 0, b, 0, c, 0, true);
        }
        be.finish();
        return (System.nanoTime() - t0) / 1e6 / reps;
    }

    /** The rows as a table. */
    public static String format(List<MatmulRow> rows) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-26s %-8s %-2s %6s %6s %6s %10s %8s  %s%n",
                "shape", "variant", "op", "M", "N", "K", "ms", "GFLOP/s", "check"));
        for (MatmulRow r : rows) {
            Shape s = r.shape();
            sb.append(String.format(Locale.ROOT, "%-26s %-8s %-2s %6d %6d %6d %10.3f %8.2f  %s%n", s.what(),
                    r.variant(), s.ops(), s.M(), s.N(), s.K(), r.ms(), r.gflops(), r.check()));
        }
        return sb.toString();
    }

    /**
     * {@code java -cp gpurnn.jar org.gpurnn.opencl.ClBench [device [B T H G V [variants]]]}: the matmul
     * table for one model shape (default: device 0, B=32 T=64 H=256 G=4 V=65, all variants).
     */
    public static void main(String[] args) {
        int device = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int[] d = {32, 64, 256, 4, 65};
        for (int i = 0; i < 5 && i + 1 < args.length; i++) {
            d[i] = Integer.parseInt(args[i + 1]);
        }
        List<MatmulKernel> variants = new ArrayList<>();
        if (args.length > 6) {
            for (String v : args[6].split(",")) {
                variants.add(MatmulKernel.parse(v));
            }
        } else {
            variants = List.of(MatmulKernel.NAIVE, MatmulKernel.TILED_32, MatmulKernel.TILED_64, MatmulKernel.REG);
        }
        try (ClBackend be = ClDevices.open(device)) {
            System.out.println(be.describe());
            System.out.print(format(matmulTable(be, trainingShapes(d[0], d[1], d[2], d[3], d[4]), variants, 5)));
        }
    }
}
