package org.gpurnn.opencl;

import java.util.Locale;

/**
 * One OpenCL device as enumerated by {@link ClDevices#list()}.
 *
 * @param index             position in the enumeration over all platforms, as used by {@code --device N}
 * @param platform          platform name, e.g. {@code NVIDIA CUDA} or {@code Portable Computing Language}
 * @param name              device name
 * @param vendor            device vendor
 * @param type              device type
 * @param globalMemBytes    global memory size in bytes
 * @param openclVersion     the device's version string, e.g. {@code OpenCL 3.0 CUDA}
 * @param driverVersion     the driver version string
 * @param computeUnits      parallel compute units (streaming multiprocessors, cores)
 * @param maxWorkGroupSize  largest work-group the device accepts
 * @param localMemBytes     local memory per work-group in bytes
 * @param available         whether the device reports itself available
 * @param compilerAvailable whether the platform can compile OpenCL C sources for it
 */
public record ClDeviceInfo(int index, String platform, String name, String vendor, Type type,
                           long globalMemBytes, String openclVersion, String driverVersion,
                           int computeUnits, long maxWorkGroupSize, long localMemBytes,
                           boolean available, boolean compilerAvailable) {

    /** Device type, coarsely. */
    public enum Type { GPU, CPU, ACCEL, OTHER }

    /** Global memory in GiB, formatted: {@code 139 GiB}, {@code 7.8 GiB}. */
    public String memoryGiB() {
        double gib = globalMemBytes / (double) (1L << 30);
        return String.format(Locale.ROOT, gib >= 10 ? "%.0f GiB" : "%.1f GiB", gib);
    }

    /** Why the device cannot run the kernels, or null when it can. */
    public String whyUnusable() {
        if (!available) {
            return "the device reports itself unavailable";
        }
        if (!compilerAvailable) {
            return "the platform has no OpenCL C compiler for it";
        }
        return null;
    }

    /** One line for device listings: {@code 0  GPU  NVIDIA H200 (NVIDIA CUDA; OpenCL 3.0 CUDA, ...)}. */
    public String summary() {
        return String.format(Locale.ROOT, "%d  %-5s %s (%s; %s, driver %s, %s, %d compute units)",
                index, type, name, platform, openclVersion, driverVersion, memoryGiB(), computeUnits);
    }
}
