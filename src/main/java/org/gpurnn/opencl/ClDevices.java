package org.gpurnn.opencl;

import static org.jocl.CL.CL_DEVICE_AVAILABLE;
import static org.jocl.CL.CL_DEVICE_COMPILER_AVAILABLE;
import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_LOCAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_NOT_FOUND;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ACCELERATOR;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VENDOR;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_DRIVER_VERSION;
import static org.jocl.CL.CL_PLATFORM_NAME;
import static org.jocl.CL.CL_PLATFORM_NOT_FOUND_KHR;
import static org.jocl.CL.clGetDeviceIDs;
import static org.jocl.CL.clGetDeviceInfo;
import static org.jocl.CL.clGetPlatformIDs;
import static org.jocl.CL.clGetPlatformInfo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * Enumerates OpenCL devices over all platforms and opens a {@link ClBackend} on one of them.
 *
 * <p>Device indices run over every device of every platform in the order the ICD loader reports them,
 * so {@code --device N} names the same device as line N of {@link #list()}.
 */
public final class ClDevices {

    /** The first failure to load JOCL, kept to explain later attempts (which only see NoClassDefFoundError). */
    private static volatile Throwable loadFailure;

    private ClDevices() {
    }

    /** A device handle with its description. */
    record Found(cl_platform_id platform, cl_device_id device, ClDeviceInfo info) {
    }

    /** The device picked when none is named, and why it was picked (for logs). */
    public record Choice(ClDeviceInfo device, String reason) {
    }

    /**
     * All devices of all platforms.
     *
     * @throws OpenClUnavailableException when the native libraries do not load, the ICD loader finds no
     *                                    platform, or no platform has a device
     */
    public static List<ClDeviceInfo> list() {
        return findAll().stream().map(Found::info).collect(Collectors.toUnmodifiableList());
    }

    /** Why OpenCL cannot be used here, or empty when at least one device is listed. */
    public static Optional<String> unavailableReason() {
        try {
            findAll();
            return Optional.empty();
        } catch (OpenClUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * The first usable GPU, else the first usable device of any type; empty when OpenCL is unavailable
     * or no device is usable ({@link #unavailableReason()} says why in the first case).
     */
    public static Optional<Choice> firstPreferred() {
        List<ClDeviceInfo> all;
        try {
            all = list();
        } catch (OpenClUnavailableException e) {
            return Optional.empty();
        }
        for (ClDeviceInfo d : all) {
            if (d.type() == ClDeviceInfo.Type.GPU && d.whyUnusable() == null) {
                return Optional.of(new Choice(d, "first usable GPU of " + all.size() + " OpenCL device(s)"));
            }
        }
        for (ClDeviceInfo d : all) {
            if (d.whyUnusable() == null) {
                return Optional.of(new Choice(d, "no usable GPU among " + all.size()
                        + " OpenCL device(s); using the first usable device, a " + d.type()));
            }
        }
        return Optional.empty();
    }

    /** Opens the device at {@code index} with the default options. */
    public static ClBackend open(int index) {
        return open(index, ClOptions.defaults());
    }

    /**
     * Opens the device at {@code index}.
     *
     * @throws OpenClUnavailableException when OpenCL cannot be used at all
     * @throws DeviceSelectionException   when there is no such device or it cannot be used; the message
     *                                    lists the devices that exist
     */
    public static ClBackend open(int index, ClOptions options) {
        List<Found> all = findAll();
        if (index < 0 || index >= all.size()) {
            throw new DeviceSelectionException("no OpenCL device " + index + ": valid indices are 0.."
                    + (all.size() - 1) + " (or --device cpu for the plain-Java backend)\n" + listing(all));
        }
        Found f = all.get(index);
        String why = f.info().whyUnusable();
        if (why != null) {
            throw new DeviceSelectionException("OpenCL device " + index + " (" + f.info().name()
                    + ") cannot be used: " + why + "\n" + listing(all));
        }
        try {
            return new ClBackend(f, options);
        } catch (KernelBuildException | OpenClUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DeviceSelectionException("OpenCL device " + index + " (" + f.info().name()
                    + ") cannot be used: " + e.getMessage() + "\n" + listing(all), e);
        }
    }

    private static String listing(List<Found> all) {
        StringBuilder sb = new StringBuilder("OpenCL devices:");
        for (Found f : all) {
            sb.append("\n  ").append(f.info().summary());
        }
        return sb.toString();
    }

    /** Loads JOCL (and through it libOpenCL) and turns on exceptions for failed calls. */
    static void ensureLoaded() {
        Throwable first = loadFailure;
        try {
            CL.setExceptionsEnabled(true);
            return;
        } catch (Throwable t) {
            if (first == null) {
                loadFailure = t;
                first = t;
            }
        }
        throw new OpenClUnavailableException("OpenCL is unavailable: the JOCL native library or the system's "
                + "OpenCL ICD loader (libOpenCL.so, e.g. from ocl-icd-libopencl1) could not be loaded: " + first
                + ". Install an ICD loader and a driver (e.g. pocl-opencl-icd for the CPU).", first);
    }

    static List<Found> findAll() {
        ensureLoaded();
        int[] count = new int[1];
        try {
            clGetPlatformIDs(0, null, count);
        } catch (CLException e) {
            if (e.getStatus() == CL_PLATFORM_NOT_FOUND_KHR) {
                throw new OpenClUnavailableException("OpenCL is unavailable: the ICD loader found no driver "
                        + "(CL_PLATFORM_NOT_FOUND_KHR, -1001). Install one (e.g. pocl-opencl-icd for the CPU, or "
                        + "the GPU vendor's) so that /etc/OpenCL/vendors lists it.", e);
            }
            throw new OpenClUnavailableException("OpenCL is unavailable: clGetPlatformIDs failed with "
                    + ClCallException.statusName(e.getStatus()), e);
        }
        if (count[0] == 0) {
            throw new OpenClUnavailableException("OpenCL is unavailable: no OpenCL platform is installed "
                    + "(install a driver, e.g. pocl-opencl-icd for the CPU, or the GPU vendor's).");
        }
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        clGetPlatformIDs(platforms.length, platforms, null);
        List<Found> found = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        for (cl_platform_id p : platforms) {
            String pname = platformString(p, CL_PLATFORM_NAME);
            int[] n = new int[1];
            try {
                clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, n);
            } catch (CLException e) {
                if (e.getStatus() != CL_DEVICE_NOT_FOUND) {
                    empty.add(pname + " (" + ClCallException.statusName(e.getStatus()) + ")");
                    continue;
                }
                n[0] = 0;
            }
            if (n[0] == 0) {
                empty.add(pname + " (no devices)");
                continue;
            }
            cl_device_id[] devices = new cl_device_id[n[0]];
            clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, devices.length, devices, null);
            for (cl_device_id d : devices) {
                found.add(new Found(p, d, describe(found.size(), pname, d)));
            }
        }
        if (found.isEmpty()) {
            throw new OpenClUnavailableException("OpenCL is unavailable: " + platforms.length
                    + " platform(s) but no device: " + String.join(", ", empty));
        }
        return found;
    }

    private static ClDeviceInfo describe(int index, String platform, cl_device_id d) {
        long type = deviceLong(d, CL_DEVICE_TYPE);
        ClDeviceInfo.Type t = (type & CL_DEVICE_TYPE_GPU) != 0 ? ClDeviceInfo.Type.GPU
                : (type & CL_DEVICE_TYPE_CPU) != 0 ? ClDeviceInfo.Type.CPU
                : (type & CL_DEVICE_TYPE_ACCELERATOR) != 0 ? ClDeviceInfo.Type.ACCEL
                : ClDeviceInfo.Type.OTHER;
        return new ClDeviceInfo(index, platform,
                deviceString(d, CL_DEVICE_NAME), deviceString(d, CL_DEVICE_VENDOR), t,
                deviceLong(d, CL_DEVICE_GLOBAL_MEM_SIZE),
                deviceString(d, CL_DEVICE_VERSION), deviceString(d, CL_DRIVER_VERSION),
                deviceInt(d, CL_DEVICE_MAX_COMPUTE_UNITS),
                deviceSizeT(d, CL_DEVICE_MAX_WORK_GROUP_SIZE),
                deviceLong(d, CL_DEVICE_LOCAL_MEM_SIZE),
                deviceInt(d, CL_DEVICE_AVAILABLE) != 0,
                deviceInt(d, CL_DEVICE_COMPILER_AVAILABLE) != 0);
    }

    // ---------------------------------------------------------------------------------------------
    // Info queries

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(p, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetPlatformInfo(p, param, buf.length, Pointer.to(buf), null);
        return cString(buf);
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(d, param, 0, null, size);
        byte[] buf = new byte[(int) size[0]];
        clGetDeviceInfo(d, param, buf.length, Pointer.to(buf), null);
        return cString(buf);
    }

    static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    static int deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0];
    }

    static long deviceSizeT(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    private static String cString(byte[] buf) {
        int n = buf.length;
        while (n > 0 && buf[n - 1] == 0) {
            n--;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8).trim();
    }
}
