package org.gpurnn.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("opencl")
class ClKernelBuildTest {

    @Test
    void syntaxErrorReportsFileOptionsDeviceAndLog() {
        ClBackend be = ClTestSupport.backend();
        String source = "__kernel void broken(__global float* x) {\n    x[0] = undeclared_name +;\n}\n";
        String options = "-DBROKEN_TEST=1";
        KernelBuildException e = assertThrows(KernelBuildException.class,
                () -> be.buildSource("broken_test.cl", source, options));
        String msg = e.getMessage();
        assertEquals("broken_test.cl", e.fileName());
        assertTrue(msg.contains("broken_test.cl"), msg);
        assertTrue(msg.contains(options), msg);
        assertTrue(msg.contains(be.device().name()) && msg.contains(be.device().driverVersion()), msg);
        assertTrue(msg.contains("HINT:"), msg);
        assertTrue(e.status() < 0, "status " + e.status());
        assertTrue(!e.buildLog().isBlank(), "empty build log");
        // The log is included verbatim (indented), and it points at the bad identifier.
        String firstLogLine = e.buildLog().strip().lines().findFirst().orElseThrow();
        assertTrue(msg.contains(firstLogLine), msg);
        assertTrue(e.buildLog().contains("undeclared_name"), e.buildLog());
    }

    @Test
    void everyKernelFileBuilds() {
        ClBackend be = ClTestSupport.backend();
        for (String file : ClBackend.kernelFiles()) {
            try (var in = ClBackend.class.getResourceAsStream("/kernels/" + file)) {
                assertTrue(in != null, file + " is not on the classpath");
                String src = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                org.jocl.CL.clReleaseProgram(be.buildSource(file, src, ""));
            } catch (java.io.IOException ex) {
                throw new AssertionError(ex);
            }
        }
    }
}
