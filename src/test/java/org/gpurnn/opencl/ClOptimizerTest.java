package org.gpurnn.opencl;

import java.util.ArrayList;
import java.util.List;

import org.gpurnn.backend.Optimizer;
import org.gpurnn.backend.OptimizerArgs;
import org.gpurnn.check.OpChecks;
import org.gpurnn.check.OpChecks.Tensor;
import org.gpurnn.check.OpChecks.Tolerances;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** SGD, Adagrad and Adam with clipping active, inactive and off; and fed by an on-device norm. */
@Tag("opencl")
class ClOptimizerTest {

    static List<OpChecks.Case> optimizerCases() {
        List<OpChecks.Case> cs = new ArrayList<>(ClTestSupport.cases("optimizer"));
        for (Optimizer opt : Optimizer.values()) {
            cs.add(normThenStep(opt, 20_011, 5f, 4));
        }
        return cs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizerCases")
    void matchesReference(OpChecks.Case c) {
        ClTestSupport.check(c);
    }

    /** A training step's tail: sumSq = reduceSum(g^2) on the device, then several clipped updates. */
    private static OpChecks.Case normThenStep(Optimizer opt, int n, float clip, int steps) {
        return new OpChecks.Case("optimizer", opt.name().toLowerCase() + " norm+steps", "n=" + n + " steps=" + steps,
                run -> {
                    Tensor p = run.output("params", Tolerances.POINTWISE, -1, 1, 0, n);
                    Tensor g = run.input("grads", -1, 1, 0, n);
                    Tensor s1 = run.output("state1", Tolerances.POINTWISE, 0, 0, 0, n);
                    Tensor s2 = run.output("state2", Tolerances.POINTWISE, 0, 0, 0, n);
                    Tensor ss = run.output("sumSq", Tolerances.treeSum(n, 1), 0, 0, 0, 1);
                    run.exec((be, s) -> {
                        be.reduceSum(g.at(s), 0, n, true, ss.at(s), 0, false);
                        for (int k = 1; k <= steps; k++) {
                            be.optimizerStep(opt, n, p.at(s), g.at(s), s1.at(s), s2.at(s), ss.at(s), clip,
                                    new OptimizerArgs(0.01f, 0.9f, 0.999f, 1e-8f, k));
                        }
                    });
                });
    }
}
