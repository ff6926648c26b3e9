package org.gpurnn.opencl;

import java.util.ArrayList;
import java.util.List;

import org.gpurnn.check.OpChecks;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** reduceSum: single-stage, two-stage, and ranges longer than the first stage's grid. */
@Tag("opencl")
class ClReduceTest {

    static List<OpChecks.Case> reduceCases() {
        List<OpChecks.Case> cs = new ArrayList<>(ClTestSupport.cases("reduce"));
        // 256 * 512 = 131072 work-items in the first stage: these make each of them loop.
        cs.add(OpChecks.reduceCase(131_073, false, true));
        cs.add(OpChecks.reduceCase(1_000_003, true, false));
        cs.add(OpChecks.reduceCase(256, true, false));
        cs.add(OpChecks.reduceCase(512, false, false));
        return cs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reduceCases")
    void matchesReference(OpChecks.Case c) {
        ClTestSupport.check(c);
    }
}
