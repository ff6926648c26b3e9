package org.gpurnn.check;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.gpurnn.backend.Backend;
import org.gpurnn.backend.Optimizer;
import org.gpurnn.data.Corpus;
import org.gpurnn.model.ModelConfig;
import org.gpurnn.model.Network;
import org.gpurnn.model.TrainConfig;
import org.gpurnn.model.Trainer;

/**
 * Whole training steps on two backends from the same initial weights and the same batches: the
 * step losses must agree, and so must the gradients of the first step and the parameters after the
 * last. This runs the real {@link Trainer} step (forward, backward, clip, Adam, state carry) on a
 * generated text, so it covers how the ops are put together, not only each op alone.
 */
public final class StepCheck {

    /** Outcome of one comparison, in the same form as the op checks. */
    public record Result(String what, String shape, double maxAbs, double maxRel, boolean pass, String detail) {
    }

    // Tolerances. The loss is a mean over B*T rows, float32 sums on the device: PoCL stays within
    // 2e-7 of the reference, and a forward pass that drops the carried state moves it by 4e-6 to
    // 2e-4. The gradients pass through every op, so they get the GEMM-level relative tolerance,
    // and an absolute one well below what a wrong small term shows (3e-6 for a flipped sign in the
    // MGU's gate gradient; PoCL differs by under 1e-8). They are compared after the first step and
    // after the last, where the carried state is no longer zero. Adam divides by sqrt(v), so an
    // element whose gradient is near zero amplifies rounding differences; the parameter tolerance
    // grows with the number of steps for that, and stays far below one lr-sized step (2e-3),
    // which is what a wrong update would show.
    static final double LOSS_RTOL = 1e-5;
    static final double GRAD_ATOL = 2e-7, GRAD_RTOL = 1e-3;
    static final double PARAM_ATOL_PER_STEP = 2e-6, PARAM_RTOL = 1e-4;
    /**
     * Adam's epsilon here. With training's 1e-8, an element whose gradient is itself rounding noise
     * (|g| near 1e-8, where the backends may differ in sign) moves by up to lr in opposite directions:
     * a false mismatch of a few percent of lr on some seeds. With 1e-5 such elements barely move, and
     * every gradient above 1e-4 still takes Adam's normalised step.
     */
    static final float ADAM_EPS = 1e-5f;

    private StepCheck() {
    }

    /** A text of {@code length} symbols over {@code vocab} code points, with some structure to learn. */
    public static Corpus syntheticCorpus(int vocab, int length, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder(length);
        int prev = 0;
        for (int k = 0; k < length; k++) {
            // Mostly the successor of the previous symbol, sometimes a random one.
            int id = rng.nextInt(4) == 0 ? rng.nextInt(vocab) : (prev + 1) % vocab;
            sb.appendCodePoint(0x21 + id);
            prev = id;
        }
        // Make sure every symbol occurs, so the vocabulary has exactly `vocab` entries.
        for (int id = 0; id < vocab; id++) {
            sb.setCharAt(Math.floorMod(id * 7919, length), (char) (0x21 + id));
        }
        return Corpus.of(sb.toString(), "generated(" + vocab + ")");
    }

    /**
     * Trains {@code steps} steps of {@code model} on both backends and compares them.
     * The returned list has one entry per compared quantity.
     */
    public static List<Result> run(Backend ref, Backend dut, ModelConfig model, int B, int T, int steps, long seed) {
        int length = Math.max(4000, 12 * (B * T + B + 1));
        Corpus corpus = syntheticCorpus(model.vocab(), length, seed);
        TrainConfig tc = new TrainConfig(B, T, 2e-3f, 5f, Optimizer.ADAM, seed, steps, 0, 0, 1, 0, 1,
                Path.of("unused"), org.gpurnn.model.ParamLayout.LSTM_FORGET_BIAS, ADAM_EPS);
        Trainer a = new Trainer(ref, model, tc, corpus);
        Trainer b = new Trainer(dut, model, tc, corpus);
        String shape = model.summary() + " B=" + B + " T=" + T;
        List<Result> out = new ArrayList<>();
        double worstLoss = 0, worstLossAbs = 0;
        String lossDetail = "";
        boolean lossOk = true;
        for (int s = 1; s <= steps; s++) {
            a.step();
            b.step();
            float la = read(a.network()), lb = read(b.network());
            worstLossAbs = Math.max(worstLossAbs, Math.abs(la - lb));
            double d = Math.abs(la - lb) / Math.max(1e-6, Math.abs(la));
            if (d > worstLoss) {
                worstLoss = d;
            }
            if (!(d <= LOSS_RTOL) && lossOk) {
                lossOk = false;
                lossDetail = "step " + s + ": loss " + la + " (reference) vs " + lb;
            }
            if (s == 1 || s == steps) {
                out.add(Compare.arrays("gradients of step " + s, shape, a.network().getGrads(),
                        b.network().getGrads(), GRAD_ATOL, GRAD_RTOL));
            }
        }
        out.add(0, new Result("loss per step (" + steps + " steps)", shape, worstLossAbs, worstLoss, lossOk,
                lossOk ? "" : lossDetail));
        out.add(Compare.arrays("parameters after " + steps + " steps", shape, a.network().getParams(),
                b.network().getParams(), PARAM_ATOL_PER_STEP * steps, PARAM_RTOL));
        return out;
    }

    private static float read(Network n) {
        float v = n.scalar(Network.TRAIN_LOSS) / (n.batchSize() * n.seqLen());
        n.resetScalar(Network.TRAIN_LOSS);
        return v;
    }

    /** Element-wise comparison with {@code |x - ref| <= atol + rtol * |ref|}. */
    static final class Compare {
        static Result arrays(String what, String shape, float[] ref, float[] x, double atol, double rtol) {
            double maxAbs = 0, maxRel = 0;
            int bad = 0, first = -1;
            for (int k = 0; k < ref.length; k++) {
                double d = Math.abs((double) x[k] - ref[k]);
                if (!(d <= atol + rtol * Math.abs(ref[k]))) {
                    if (first < 0) {
                        first = k;
                    }
                    bad++;
                }
                if (d > maxAbs || Double.isNaN(d)) {
                    maxAbs = d;
                }
                double rel = d / Math.max(Math.abs(ref[k]), 1e-30);
                if (Math.abs(ref[k]) > atol && rel > maxRel) {
                    maxRel = rel;
                }
            }
            String detail = bad == 0 ? "" : bad + " of " + ref.length + " outside tolerance; first at [" + first
                    + "]: " + ref[first] + " (reference) vs " + x[first];
            return new Result(what, shape, maxAbs, maxRel, bad == 0, detail);
        }
    }
}
