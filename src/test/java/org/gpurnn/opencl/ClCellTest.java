package org.gpurnn.opencl;

import java.util.ArrayList;
import java.util.List;

import org.gpurnn.backend.CellBuffers;
import org.gpurnn.backend.CellGrads;
import org.gpurnn.backend.CellType;
import org.gpurnn.check.OpChecks;
import org.gpurnn.check.OpChecks.Tensor;
import org.gpurnn.check.OpChecks.Tol;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each cell's fused forward and backward step, and a whole BPTT pass of each cell. */
@Tag("opencl")
class ClCellTest {

    static List<OpChecks.Case> cellCases() {
        return ClTestSupport.cases("cell");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cellCases")
    void stepMatchesReference(OpChecks.Case c) {
        ClTestSupport.check(c);
    }

    /**
     * Widths that are multiples of every vector width, so that CPU devices run the vector forms of the
     * cell kernels (the shared cases use widths that are not, which exercises the scalar fallback).
     */
    static List<OpChecks.Case> vectorWidthCases() {
        List<OpChecks.Case> cs = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            for (boolean backward : new boolean[] {false, true}) {
                cs.add(OpChecks.cellCase(cell, backward, 3, 1, 3, 16));
                cs.add(OpChecks.cellCase(cell, backward, 2, 0, 2, 64));
            }
        }
        return cs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectorWidthCases")
    void vectorStepMatchesReference(OpChecks.Case c) {
        ClTestSupport.check(c);
    }

    static List<OpChecks.Case> bpttCases() {
        List<OpChecks.Case> cs = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            cs.add(bptt(cell, 5, 3, 33));
            cs.add(bptt(cell, 1, 1, 7));
            cs.add(bptt(cell, 4, 2, 32));
        }
        return cs;
    }

    /** The forward and backward passes over T steps agree, carries and weight gradient included. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("bpttCases")
    void bpttMatchesReference(OpChecks.Case c) {
        ClTestSupport.check(c);
    }

    /**
     * A layer's recurrence as the trainer runs it: per step hp[t] = h[t]·Wh then the cell; backward from
     * the last step, each cell step followed by dh += dhp[t]·Wh^T and dWh += h[t]^T·dhp[t].
     */
    private static OpChecks.Case bptt(CellType cell, int T, int B, int H) {
        int gh = cell.gates * H;
        boolean lstm = cell.hasCellState();
        return new OpChecks.Case("cell", cell.id() + " bptt", "T=" + T + " B=" + B + " H=" + H, run -> {
            // Errors of the float matmuls and steps compound over T steps in both directions: 10x the
            // single-step pointwise tolerance.
            Tol tol = new Tol(1e-5, 1e-4);
            Tensor wh = run.input("Wh", -0.3, 0.3, 0, H, gh);
            Tensor xp = run.input("xp", -1, 1, 0, T, B, gh);
            Tensor dhOut = run.input("dhOut", -1, 1, 0, T, B, H);
            Tensor hp = run.output("hp", tol, -1, 1, 0, T, B, gh);
            Tensor h = run.output("h", tol, -1, 1, 0, T + 1, B, H);
            Tensor c = lstm ? run.output("c", tol, -1, 1, 0, T + 1, B, H) : null;
            Tensor act = run.output("act", tol, -1, 1, 0, T, B, gh);
            Tensor dh = run.output("dh", tol, -1, 1, 0, B, H);
            Tensor dc = lstm ? run.output("dc", tol, -1, 1, 0, B, H) : null;
            Tensor dxp = run.output("dxp", tol, -1, 1, 0, T, B, gh);
            Tensor dhp = run.output("dhp", tol, -1, 1, 0, T, B, gh);
            Tensor dwh = run.output("dWh", tol, -1, 1, 0, H, gh);
            run.exec((be, s) -> {
                CellBuffers f = new CellBuffers(xp.at(s), hp.at(s), h.at(s), lstm ? c.at(s) : null, act.at(s));
                CellGrads g = new CellGrads(dhOut.at(s), dh.at(s), lstm ? dc.at(s) : null, dxp.at(s), dhp.at(s));
                for (int t = 0; t < T; t++) {
                    be.matmul(false, false, B, gh, H, h.at(s), (long) t * B * H, wh.at(s), 0,
                            hp.at(s), (long) t * B * gh, false);
                    be.cellForward(cell, t, B, H, f);
                }
                be.fill(dh.at(s), 0, (long) B * H, 0f);
                if (lstm) {
                    be.fill(dc.at(s), 0, (long) B * H, 0f);
                }
                for (int t = T - 1; t >= 0; t--) {
                    be.cellBackward(cell, t, B, H, f, g);
                    be.matmul(false, true, B, H, gh, dhp.at(s), (long) t * B * gh, wh.at(s), 0, dh.at(s), 0, true);
                    be.matmul(true, false, H, gh, B, h.at(s), (long) t * B * H, dhp.at(s), (long) t * B * gh,
                            dwh.at(s), 0, true);
                }
            });
        });
    }
}
