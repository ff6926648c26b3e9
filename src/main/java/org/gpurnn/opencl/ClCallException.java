package org.gpurnn.opencl;

import org.jocl.CL;

/** An OpenCL call failed; the message names the call (and kernel), the status name and its code. */
public class ClCallException extends RuntimeException {

    private final int status;

    public ClCallException(String call, int status, Throwable cause) {
        super("OpenCL call " + call + " failed: " + statusName(status), cause);
        this.status = status;
    }

    public ClCallException(String message) {
        super(message);
        this.status = 0;
    }

    /** The OpenCL status code (negative), or 0 when the failure was detected on the host. */
    public int status() {
        return status;
    }

    /** {@code CL_OUT_OF_RESOURCES (-5)}. */
    static String statusName(int status) {
        String name;
        try {
            name = CL.stringFor_errorCode(status);
        } catch (Throwable t) {   // the native library may be the thing that is missing
            name = "status";
        }
        return name + " (" + status + ")";
    }
}
