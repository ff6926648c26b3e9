package org.gpurnn.opencl;

import org.gpurnn.backend.Buf;
import org.jocl.cl_mem;

/**
 * A float buffer in device memory. Its {@code cl_mem} is released when the buffer becomes unreachable
 * or when its backend is closed, whichever comes first.
 */
public final class ClBuf implements Buf {

    final ClBackend owner;
    final cl_mem mem;
    private final long size;

    ClBuf(ClBackend owner, cl_mem mem, long size) {
        this.owner = owner;
        this.mem = mem;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String toString() {
        return "ClBuf(" + size + ")";
    }
}
