package org.gpurnn.cli;

import java.util.Optional;

import org.gpurnn.backend.Backend;
import org.gpurnn.cpu.CpuBackend;
import org.gpurnn.opencl.ClDevices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code --device} into a backend: {@code cpu}, an OpenCL device index, or {@code auto}.
 * Only {@code auto} may fall back to the CPU, and it says why in one log line; a named device that
 * cannot be used is an error.
 */
final class BackendChoice {

    private static final Logger log = LoggerFactory.getLogger(BackendChoice.class);

    private BackendChoice() {
    }

    static Backend open(String device) {
        return open(device, false);
    }

    /**
     * As {@link #open(String)}; with {@code gpuOrCpu}, {@code auto} takes only a GPU and otherwise the
     * plain-Java backend. That suits work of one stream at a time (sampling), which a CPU OpenCL device
     * runs slower than plain Java: it is bound by kernel launches, not arithmetic.
     */
    static Backend open(String device, boolean gpuOrCpu) {
        String d = device == null ? "auto" : device.trim().toLowerCase(java.util.Locale.ROOT);
        if (d.equals("cpu")) {
            log.info("device   cpu (--device cpu)");
            return new CpuBackend();
        }
        if (d.equals("auto")) {
            Optional<ClDevices.Choice> choice = ClDevices.firstPreferred();
            if (choice.isEmpty()) {
                String why = ClDevices.unavailableReason().orElse("no usable OpenCL device");
                log.warn("device   cpu: no OpenCL device to use ({}); falling back to the plain-Java backend", oneLine(why));
                return new CpuBackend();
            }
            if (gpuOrCpu && choice.get().device().type() != org.gpurnn.opencl.ClDeviceInfo.Type.GPU) {
                log.info("device   cpu (auto: no GPU; for one stream the plain-Java backend is faster than "
                        + "OpenCL device {})", choice.get().device().index());
                return new CpuBackend();
            }
            Backend b = ClDevices.open(choice.get().device().index());
            log.info("device   {} ({})", choice.get().device().index(), choice.get().reason());
            return b;
        }
        int index;
        try {
            index = Integer.parseInt(d);
        } catch (NumberFormatException e) {
            throw new Main.UserException("--device must be an index from 'gpurnn devices', 'cpu' or 'auto'; got '"
                    + device + "'");
        }
        Backend b = ClDevices.open(index);
        log.info("device   {} (--device {})", index, index);
        return b;
    }

    private static String oneLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
