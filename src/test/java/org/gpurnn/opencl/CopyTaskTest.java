package org.gpurnn.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.gpurnn.backend.Backend;
import org.gpurnn.backend.Buf;
import org.gpurnn.backend.CellType;
import org.gpurnn.backend.Optimizer;
import org.gpurnn.backend.OptimizerArgs;
import org.gpurnn.model.ModelConfig;
import org.gpurnn.model.Network;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The point of gates: carry a symbol across {@link #DELAY} steps of noise. Each sequence is a
 * letter, then random digits, then a cue symbol, after which the same letter must be predicted: 40
 * steps after it was seen. Only that last prediction can beat chance, and only by remembering.
 * Through a tanh recurrence the gradient of that prediction vanishes long before it reaches the
 * letter, so within the same budget the vanilla RNN stays near chance (1 in 4) while the LSTM and
 * the GRU learn the task. Runs on the OpenCL device for speed (it is thousands of steps).
 */
@Tag("opencl")
class CopyTaskTest {

    static final int DELAY = 40;        // the letter is input at step 0 and predicted at step DELAY-1
    static final int LETTERS = 4;       // ids 0..3
    static final int DIGITS = 10;       // ids 4..13, the noise
    static final int CUE = LETTERS + DIGITS;
    static final int V = CUE + 1;
    static final int T = DELAY, B = 64, H = 128;
    static final int BUDGET = 1500;     // training steps
    static final int EVAL_EVERY = 100;
    static final double LEARNT = 0.9;   // recall accuracy that counts as learnt
    /**
     * The LSTM's starting forget-gate bias for this task. σ(1) = 0.73 keeps 0.73^40 ≈ 1e-5 of a stored
     * value over the delay, and with it the LSTM learnt only on some seeds; σ(3) = 0.95 keeps about
     * 13%, and it learnt within 500 to 1000 steps on each of five seeds.
     */
    static final float FORGET_BIAS = 3f;

    /** The best recall accuracy seen at the evaluations within the budget, stopping once learnt. */
    static double bestAccuracy(Backend be, CellType cell, long seed) {
        ModelConfig cfg = new ModelConfig(cell, V, H, 1, 0, 0f);
        Network net = new Network(be, cfg, B, T);
        // A long-memory task: start the LSTM's forget gate open so that the cell keeps what it
        // stored; the other cells ignore this.
        net.setParams(net.layout().initialValues(seed, FORGET_BIAS));
        long P = net.layout().size();
        Buf m = be.alloc(P), v = be.alloc(P);
        SplittableRandom train = new SplittableRandom(seed), held = new SplittableRandom(seed + 1);
        int[] x = new int[T * B], y = new int[T * B];
        double best = 0;
        for (int s = 1; s <= BUDGET; s++) {
            fill(train, x, y);
            net.resetState();
            net.setBatch(x, y);
            net.forward(true, 0, Network.TRAIN_LOSS);
            net.backward(0);
            be.optimizerStep(Optimizer.ADAM, P, net.params(), net.grads(), m, v, net.gradSumSq(), 5f,
                    new OptimizerArgs(1e-2f, 0.9f, 0.999f, 1e-8f, s));
            if (s % EVAL_EVERY == 0) {
                best = Math.max(best, accuracy(be, net, held, x, y));
                if (best >= LEARNT) {
                    break;
                }
            }
        }
        return best;
    }

    /** Share of fresh sequences whose letter is predicted (arg max) after the cue. */
    static double accuracy(Backend be, Network net, SplittableRandom rng, int[] x, int[] y) {
        int correct = 0, total = 0;
        float[] logits = new float[B * V];
        for (int k = 0; k < 4; k++) {
            fill(rng, x, y);
            net.resetState();
            net.setBatch(x, y);
            net.forward(false, 0, -1);
            be.download(net.logits(), (long) (T - 1) * B * V, logits, 0, B * V);
            for (int b = 0; b < B; b++) {
                int arg = 0;
                for (int c = 1; c < V; c++) {
                    arg = logits[b * V + c] > logits[b * V + arg] ? c : arg;
                }
                correct += arg == y[(T - 1) * B + b] ? 1 : 0;
                total++;
            }
        }
        return (double) correct / total;
    }

    /** Fresh sequences, time-major (T, B): letter, digits, cue; targets are the inputs shifted by one. */
    static void fill(SplittableRandom rng, int[] x, int[] y) {
        for (int b = 0; b < B; b++) {
            int letter = rng.nextInt(LETTERS);
            int prev = letter;
            for (int t = 0; t < T; t++) {
                x[t * B + b] = prev;
                int next = t == T - 1 ? letter : t == T - 2 ? CUE : LETTERS + rng.nextInt(DIGITS);
                y[t * B + b] = next;
                prev = next;
            }
        }
    }

    @Test
    void gatedCellsRememberAcrossFortyStepsWhereTheVanillaRnnDoesNot() {
        ClBackend be = ClTestSupport.backend();
        StringBuilder report = new StringBuilder();
        double[] acc = new double[CellType.values().length];
        for (CellType cell : CellType.values()) {
            acc[cell.ordinal()] = bestAccuracy(be, cell, 1);
            report.append(String.format(java.util.Locale.ROOT, " %s %.3f", cell.id(), acc[cell.ordinal()]));
        }
        System.out.println("copy task, best recall accuracy within " + BUDGET + " steps:" + report);
        assertTrue(acc[CellType.LSTM.ordinal()] >= LEARNT, "LSTM should learn:" + report);
        assertTrue(acc[CellType.GRU.ordinal()] >= LEARNT, "GRU should learn:" + report);
        assertTrue(acc[CellType.MGU.ordinal()] >= LEARNT, "MGU should learn:" + report);
        assertTrue(acc[CellType.RNN.ordinal()] < 0.5, "the vanilla RNN should stay near chance:" + report);
    }
}
