package org.gpurnn.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.gpurnn.check.OpChecks;
import org.gpurnn.check.OpChecks.OpResult;
import org.gpurnn.opencl.ClOptions.MatmulKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The matmul kernels against the reference, the faster ones against matmul_v1, and the microbenchmark. */
@Tag("opencl")
class ClMatmulTest {

    /** Shapes beyond OpChecks': several 64-tiles in every dimension, and a long K. */
    private static final int[][] EXTRA = {{200, 150, 300}, {3, 5, 1000}, {130, 65, 17}};

    private static ClBackend naive;

    @AfterAll
    static void closeNaive() {
        if (naive != null) {
            naive.close();
            naive = null;
        }
        ClTestSupport.backend().setMatmulKernel(MatmulKernel.AUTO);
    }

    static Stream<Arguments> variantsAndCases() {
        List<OpChecks.Case> cases = new ArrayList<>(ClTestSupport.cases("matmul"));
        for (int[] s : EXTRA) {
            cases.add(OpChecks.matmulCase(s[0], s[1], s[2], false, true, true));
            cases.add(OpChecks.matmulCase(s[0], s[1], s[2], true, false, false));
        }
        List<Arguments> args = new ArrayList<>();
        for (MatmulKernel k : new MatmulKernel[] {MatmulKernel.NAIVE, MatmulKernel.TILED_32, MatmulKernel.TILED_64,
                MatmulKernel.REG, MatmulKernel.AUTO}) {
            for (OpChecks.Case c : cases) {
                args.add(Arguments.of(k, c));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("variantsAndCases")
    void matchesReference(MatmulKernel kernel, OpChecks.Case c) {
        ClBackend be = ClTestSupport.backend();
        be.setMatmulKernel(kernel);
        try {
            ClTestSupport.check(c);
        } finally {
            be.setMatmulKernel(MatmulKernel.AUTO);
        }
    }

    @Test
    void kernelChoiceParsesAndComesFromTheSystemProperty() {
        assertEquals(MatmulKernel.TILED_64, MatmulKernel.parse("tiled64"));
        assertEquals(MatmulKernel.NAIVE, MatmulKernel.parse(" Naive "));
        assertThrows(IllegalArgumentException.class, () -> MatmulKernel.parse("fast"));
        String old = System.getProperty(ClOptions.MATMUL_PROPERTY);
        try {
            System.setProperty(ClOptions.MATMUL_PROPERTY, "naive");
            assertEquals(MatmulKernel.NAIVE, ClOptions.defaults().matmul());
        } finally {
            if (old == null) {
                System.clearProperty(ClOptions.MATMUL_PROPERTY);
            } else {
                System.setProperty(ClOptions.MATMUL_PROPERTY, old);
            }
        }
    }

    /** The microbenchmark validates each variant before timing it and restores the backend's choice. */
    @Test
    void benchTableChecksAndTimesEachVariant() {
        ClBackend be = ClTestSupport.backend();
        List<ClBench.Shape> shapes = List.of(new ClBench.Shape("small nn", false, false, 5, 40, 9),
                new ClBench.Shape("small tn", true, false, 17, 20, 70));
        List<ClBench.MatmulRow> rows =
                ClBench.matmulTable(be, shapes, List.of(MatmulKernel.NAIVE, MatmulKernel.REG), 1);
        assertEquals(4, rows.size());
        for (ClBench.MatmulRow r : rows) {
            assertEquals("ok", r.check(), r.toString());
            assertTrue(r.ms() > 0 && r.gflops() > 0, r.toString());
        }
        assertEquals(MatmulKernel.AUTO, be.matmulKernel());
        assertTrue(ClBench.format(rows).contains("small tn"));
    }

    /** The tiled and register-blocked kernels against matmul_v1 on a second context of the same device. */
    @Test
    void tiledMatchesNaive() {
        ClBackend be = ClTestSupport.backend();
        if (naive == null) {
            naive = ClDevices.open(be.device().index(), ClOptions.defaults().withMatmul(MatmulKernel.NAIVE));
        }
        List<String> failures = new ArrayList<>();
        for (MatmulKernel k : new MatmulKernel[] {MatmulKernel.TILED_32, MatmulKernel.TILED_64, MatmulKernel.REG}) {
            be.setMatmulKernel(k);
            for (int[] s : EXTRA) {
                for (int v = 0; v < 4; v++) {
                    OpChecks.Case c = OpChecks.matmulCase(s[0], s[1], s[2], (v & 1) != 0, (v & 2) != 0, false);
                    OpResult r = OpChecks.run(c, naive, be, ClTestSupport.SEED);
                    if (!r.pass()) {
                        failures.add(k + ": " + r);
                    }
                }
            }
        }
        be.setMatmulKernel(MatmulKernel.AUTO);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
