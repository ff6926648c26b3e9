package org.gpurnn.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.gpurnn.backend.CellType;
import org.gpurnn.cpu.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finite-difference check of the reference backward pass, in double precision on tiny shapes:
 * every parameter of every tensor, central differences, against the analytic gradient of the
 * mean cross-entropy. The carried-in state h[0] (and c[0]) is random, so the terms that flow
 * through it are exercised too.
 */
class GradientCheckTest {

    static final int B = 2, T = 3, V = 5, H = 3;

    static Stream<Arguments> configs() {
        List<Arguments> list = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            list.add(Arguments.of(cell, 1, 0, 0f));
            list.add(Arguments.of(cell, 3, 0, 0f));
            list.add(Arguments.of(cell, 3, 0, 0.3f));
        }
        list.add(Arguments.of(CellType.LSTM, 2, 2, 0.25f));
        list.add(Arguments.of(CellType.RNN, 1, 1, 0f));
        return list.stream();
    }

    @ParameterizedTest(name = "{0} layers={1} head={2} dropout={3}")
    @MethodSource("configs")
    void analyticGradientMatchesFiniteDifferences(CellType cell, int layers, int headLayers, float dropout) {
        ModelConfig cfg = new ModelConfig(cell, V, H, layers, headLayers, dropout);
        List<String> failures = GradCheck.run(cfg, B, T, 42L, null);
        assertTrue(failures.isEmpty(), () -> cell + ": " + failures.size() + " mismatches, first: "
                + String.join("\n", failures.subList(0, Math.min(5, failures.size()))));
    }

    @org.junit.jupiter.api.Test
    void aWrongGradientTermIsCaught() {
        // A 1% error in one recurrent-weight gradient, as a mis-scaled term in the backward would give.
        ModelConfig cfg = new ModelConfig(CellType.GRU, V, H, 2, 0, 0f);
        int at = (int) new ParamLayout(cfg).offset("layers.1.wh") + 4;
        List<String> failures = GradCheck.run(cfg, B, T, 42L, g -> g[at] *= 1.01);
        assertTrue(failures.size() == 1 && failures.get(0).startsWith("layers.1.wh[4]"),
                () -> "expected exactly the planted mismatch, got " + failures);
    }

    /** The check itself, shared with the test that plants a wrong gradient. */
    static final class GradCheck {
        static final double EPS = 1e-5;

        /**
         * Returns the mismatching parameters. {@code tamper}, if given, modifies the analytic gradient
         * before the comparison (to prove the check can fail).
         */
        static List<String> run(ModelConfig cfg, int B, int T, long seed,
                                java.util.function.Consumer<double[]> tamper) {
            CpuBackend be = new CpuBackend(CpuBackend.Precision.DOUBLE);
            Network net = new Network(be, cfg, B, T);
            SplittableRandom rng = new SplittableRandom(seed);
            int P = (int) net.layout().size();
            double[] p = new double[P];
            for (int k = 0; k < P; k++) {
                p[k] = rng.nextDouble(-0.5, 0.5);
            }
            for (int l = 0; l < cfg.layers(); l++) {
                double[] h0 = new double[B * cfg.hidden()];
                for (int k = 0; k < h0.length; k++) {
                    h0[k] = rng.nextDouble(-0.9, 0.9);
                }
                be.uploadDouble(net.layerBuffers(l).h(), 0, h0);
                if (net.layerBuffers(l).c() != null) {
                    be.uploadDouble(net.layerBuffers(l).c(), 0, h0);
                }
            }
            int[] x = new int[B * T], y = new int[B * T];
            for (int k = 0; k < x.length; k++) {
                x[k] = rng.nextInt(cfg.vocab());
                y[k] = rng.nextInt(cfg.vocab());
            }
            net.setBatch(x, y);
            long dropSeed = 7;

            be.uploadDouble(net.params(), 0, p);
            net.resetScalar(Network.TRAIN_LOSS);
            net.forward(true, dropSeed, Network.TRAIN_LOSS);
            net.backward(dropSeed);
            double[] analytic = be.downloadDouble(net.grads(), 0, P);
            if (tamper != null) {
                tamper.accept(analytic);
            }

            List<String> bad = new ArrayList<>();
            for (ParamLayout.Entry e : net.layout().entries()) {
                for (int k = 0; k < e.size(); k++) {
                    int idx = (int) e.offset() + k;
                    double keep = p[idx];
                    p[idx] = keep + EPS;
                    double lp = loss(be, net, p, dropSeed);
                    p[idx] = keep - EPS;
                    double lm = loss(be, net, p, dropSeed);
                    p[idx] = keep;
                    double numeric = (lp - lm) / (2 * EPS);
                    double a = analytic[idx];
                    if (Math.abs(a - numeric) > 1e-8 + 1e-5 * (Math.abs(a) + Math.abs(numeric))) {
                        bad.add(e.name() + "[" + k + "]: analytic " + a + " numeric " + numeric);
                    }
                }
            }
            return bad;
        }

        private static double loss(CpuBackend be, Network net, double[] p, long dropSeed) {
            be.uploadDouble(net.params(), 0, p);
            net.resetScalar(Network.TRAIN_LOSS);
            net.forward(true, dropSeed, Network.TRAIN_LOSS);
            return be.downloadDouble(net.scalars(), Network.TRAIN_LOSS, 1)[0] / (net.batchSize() * net.seqLen());
        }
    }
}
