package org.gpurnn.opencl;

import java.util.List;

import org.gpurnn.check.OpChecks;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** gatherRows and the segmented scatterAddRows. */
@Tag("opencl")
class ClEmbeddingTest {

    static List<OpChecks.Case> embeddingCases() {
        return ClTestSupport.cases("embedding");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("embeddingCases")
    void matchesReference(OpChecks.Case c) {
        ClTestSupport.check(c);
    }
}
