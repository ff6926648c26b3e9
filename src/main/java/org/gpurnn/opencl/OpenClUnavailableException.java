package org.gpurnn.opencl;

/**
 * OpenCL cannot be used on this machine at all: the JOCL native library or the system's
 * {@code libOpenCL.so} (the ICD loader) does not load, or the loader finds no driver or no device.
 * The message says which, and what to install.
 */
public class OpenClUnavailableException extends RuntimeException {

    public OpenClUnavailableException(String message) {
        super(message);
    }

    public OpenClUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
