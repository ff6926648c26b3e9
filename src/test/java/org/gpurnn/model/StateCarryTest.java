package org.gpurnn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.gpurnn.backend.CellType;
import org.gpurnn.cpu.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One pass over 3T steps equals three passes of T steps with the hidden state carried between them. */
class StateCarryTest {

    @ParameterizedTest
    @EnumSource(CellType.class)
    void threeChunksWithCarriedStateEqualOneLongPass(CellType cell) {
        int B = 3, T = 4, V = 7, H = 5;
        ModelConfig cfg = new ModelConfig(cell, V, H, 2, 0, 0f);
        CpuBackend be = new CpuBackend(CpuBackend.Precision.DOUBLE);
        Network longNet = new Network(be, cfg, B, 3 * T);
        Network shortNet = new Network(be, cfg, B, T);
        float[] p = longNet.layout().initialValues(5);
        longNet.setParams(p);
        shortNet.setParams(p);

        SplittableRandom rng = new SplittableRandom(9);
        int[] x = new int[3 * T * B], y = new int[3 * T * B];
        for (int k = 0; k < x.length; k++) {
            x[k] = rng.nextInt(V);
            y[k] = rng.nextInt(V);
        }
        longNet.setBatch(x, y);
        longNet.forward(false, 0, Network.EVAL_LOSS);
        double[] longLogits = be.downloadDouble(longNet.logits(), 0, 3 * T * B * V);

        double[] chunked = new double[longLogits.length];
        for (int c = 0; c < 3; c++) {
            int[] xc = java.util.Arrays.copyOfRange(x, c * T * B, (c + 1) * T * B);
            int[] yc = java.util.Arrays.copyOfRange(y, c * T * B, (c + 1) * T * B);
            shortNet.setBatch(xc, yc);
            shortNet.forward(false, 0, Network.EVAL_LOSS);
            shortNet.carryState();
            System.arraycopy(be.downloadDouble(shortNet.logits(), 0, T * B * V), 0, chunked, c * T * B * V, T * B * V);
        }
        assertArrayEquals(longLogits, chunked, 1e-12, "logits of the chunked passes");
        assertEquals(be.downloadDouble(longNet.scalars(), Network.EVAL_LOSS, 1)[0],
                be.downloadDouble(shortNet.scalars(), Network.EVAL_LOSS, 1)[0], 1e-9, "summed loss");
        // The final states agree too: the long pass's h[3T] and the carried h[0].
        for (int l = 0; l < cfg.layers(); l++) {
            assertArrayEquals(be.downloadDouble(longNet.layerBuffers(l).h(), (long) 3 * T * B * H, B * H),
                    be.downloadDouble(shortNet.layerBuffers(l).h(), 0, B * H), 1e-12, "state of layer " + l);
        }
    }
}
