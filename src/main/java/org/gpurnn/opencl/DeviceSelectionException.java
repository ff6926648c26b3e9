package org.gpurnn.opencl;

/**
 * A named OpenCL device does not exist or cannot be used (not available, no compiler, or its context
 * cannot be created). The message lists the devices that do exist.
 */
public class DeviceSelectionException extends RuntimeException {

    public DeviceSelectionException(String message) {
        super(message);
    }

    public DeviceSelectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
