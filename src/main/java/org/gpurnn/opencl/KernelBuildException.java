package org.gpurnn.opencl;

/**
 * The device's OpenCL compiler rejected a kernel source. The message carries everything needed to
 * reproduce the failure: the file, the device and driver, the full build options, the status, and the
 * compiler's build log verbatim.
 */
public class KernelBuildException extends RuntimeException {

    private final String fileName;
    private final String options;
    private final int status;
    private final String buildLog;

    public KernelBuildException(String fileName, ClDeviceInfo device, String options, int status,
                                String buildLog, Throwable cause) {
        super(message(fileName, device, options, status, buildLog), cause);
        this.fileName = fileName;
        this.options = options;
        this.status = status;
        this.buildLog = buildLog;
    }

    private static String message(String fileName, ClDeviceInfo device, String options, int status,
                                  String buildLog) {
        StringBuilder sb = new StringBuilder();
        sb.append("OpenCL program ").append(fileName).append(" failed to build: ")
                .append(ClCallException.statusName(status)).append('\n');
        sb.append("  device:  ").append(device.name()).append(" (vendor ").append(device.vendor())
                .append(", driver ").append(device.driverVersion()).append(", ")
                .append(device.openclVersion()).append(")\n");
        sb.append("  options: ").append(options.isBlank() ? "(none)" : options).append('\n');
        sb.append("  build log:\n");
        String log = buildLog == null || buildLog.isBlank() ? "(empty)" : buildLog.stripTrailing();
        for (String line : log.split("\\R", -1)) {
            sb.append("    ").append(line).append('\n');
        }
        sb.append("HINT: kernels are compiled by the device's driver when first used; try another device ")
                .append("(--device cpu, or list them with the devices command) or a newer driver.");
        return sb.toString();
    }

    /** The kernel source file, e.g. {@code matmul.cl}. */
    public String fileName() {
        return fileName;
    }

    /** The build options passed to the compiler. */
    public String options() {
        return options;
    }

    /** The OpenCL status of the build call. */
    public int status() {
        return status;
    }

    /** The compiler's log, verbatim. */
    public String buildLog() {
        return buildLog;
    }
}
