package org.gpurnn.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.gpurnn.check.OpChecks;
import org.gpurnn.check.OpChecks.OpResult;
import org.gpurnn.cpu.CpuBackend;
import org.junit.jupiter.api.Assumptions;

/**
 * One OpenCL backend per test JVM (program builds are the slow part), on the first GPU or else the
 * first device ({@code -Dgpurnn.test.device=N} picks another). Tests skip with the reason when OpenCL
 * is unavailable, unless {@code GPURNN_REQUIRE_OPENCL=1} (set in CI, which installs PoCL) makes that a
 * failure.
 */
final class ClTestSupport {

    static final long SEED = 20240611L;

    private static ClBackend backend;
    private static String unavailable;
    private static final CpuBackend REF = new CpuBackend(CpuBackend.Precision.FLOAT);

    private ClTestSupport() {
    }

    /** The shared backend; skips (or fails, where OpenCL is required) the calling test without one. */
    static synchronized ClBackend backend() {
        if (backend == null && unavailable == null) {
            try {
                String idx = System.getProperty("gpurnn.test.device");
                if (idx != null && !idx.isBlank()) {
                    backend = ClDevices.open(Integer.parseInt(idx.trim()));
                } else {
                    Optional<ClDevices.Choice> choice = ClDevices.firstPreferred();
                    if (choice.isPresent()) {
                        backend = ClDevices.open(choice.get().device().index());
                    } else {
                        unavailable = ClDevices.unavailableReason().orElse("no usable OpenCL device");
                    }
                }
            } catch (OpenClUnavailableException | DeviceSelectionException e) {
                unavailable = e.getMessage();
            }
            if (backend != null) {
                ClBackend b = backend;
                Runtime.getRuntime().addShutdownHook(new Thread(b::close));
            }
        }
        if (backend == null) {
            String reason = "OpenCL unavailable: " + unavailable;
            if ("1".equals(System.getenv("GPURNN_REQUIRE_OPENCL"))) {
                fail(reason + " (GPURNN_REQUIRE_OPENCL=1)");
            }
            Assumptions.assumeTrue(false, reason);
        }
        return backend;
    }

    /** The reference backend. */
    static CpuBackend ref() {
        return REF;
    }

    /** The cases of one family, for parameterized tests. */
    static List<OpChecks.Case> cases(String family) {
        return OpChecks.cases().stream().filter(c -> c.family().equals(family)).collect(Collectors.toList());
    }

    /** Runs one case against the shared backend and fails with the mismatch report. */
    static void check(OpChecks.Case c) {
        OpResult r = OpChecks.run(c, ref(), backend(), SEED);
        if (!r.pass()) {
            fail(r.toString());
        }
    }
}
