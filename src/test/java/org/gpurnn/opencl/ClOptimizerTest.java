package org.gpurnn.opencl;

import java.util.ArrayList;
import java.util.List;

import org.gpurnn.backend.Optimizer;
import org.gpurnn.check.OpChecks;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** SGD, Adagrad and Adam with clipping active, inactive and off; and fed by an on-device norm. */
@Tag("opencl")
class ClOptimizerTest {

    static List<OpChecks.Case> optimizerCases() {
        List<OpChecks.Case> cs = new ArrayList<>(ClTestSupport.cases("optimizer"));
        // Longer than the check's own case: the norm's reduction runs two stages.
        for (Optimizer opt : Optimizer.values()) {
            cs.add(OpChecks.normThenStep(opt, 20_011, 5f, 4));
        }
        return cs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizerCases")
    void matchesReference(OpChecks.Case c) {
        ClTestSupport.check(c);
    }
}
