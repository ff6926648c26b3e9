package org.gpurnn.opencl;

import java.util.List;

import org.gpurnn.check.OpChecks;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** softmaxXent with a gradient, loss only, and in place; V = 1, small, and wider than a work-group. */
@Tag("opencl")
class ClSoftmaxTest {

    static List<OpChecks.Case> softmaxCases() {
        return ClTestSupport.cases("softmax");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("softmaxCases")
    void matchesReference(OpChecks.Case c) {
        ClTestSupport.check(c);
    }
}
