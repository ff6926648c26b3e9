package org.gpurnn.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gpurnn.backend.Buf;
import org.gpurnn.cpu.CpuBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Buffers: zeroed allocation, offsets, range checks, ownership, and a closed backend. */
@Tag("opencl")
class ClMemoryTest {

    @Test
    void allocIsZeroAndOffsetsWork() {
        ClBackend be = ClTestSupport.backend();
        Buf b = be.alloc(10);
        assertEquals(10, b.size());
        float[] got = new float[10];
        be.download(b, 0, got, 0, 10);
        assertArrayEquals(new float[10], got);
        be.upload(b, 3, new float[] {9, 1, 2, 3, 9}, 1, 3);
        be.download(b, 0, got, 0, 10);
        assertArrayEquals(new float[] {0, 0, 0, 1, 2, 3, 0, 0, 0, 0}, got);
        float[] part = {7, 7, 7, 7};
        be.download(b, 4, part, 1, 2);
        assertArrayEquals(new float[] {7, 2, 3, 7}, part);
        Buf empty = be.alloc(0);
        assertEquals(0, empty.size());
        be.fill(empty, 0, 0, 1f);
    }

    @Test
    void rangesAndOwnershipAreChecked() {
        ClBackend be = ClTestSupport.backend();
        Buf b = be.alloc(8);
        Buf foreign = new CpuBackend().alloc(8);
        assertThrows(IllegalArgumentException.class, () -> be.fill(b, 5, 4, 0f));
        assertThrows(IllegalArgumentException.class, () -> be.upload(b, -1, new float[2], 0, 2));
        assertThrows(IllegalArgumentException.class, () -> be.download(b, 0, new float[2], 1, 2));
        assertThrows(IllegalArgumentException.class, () -> be.copy(b, 0, b, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> be.matmul(false, false, 3, 3, 1, b, 0, b, 0, b, 0, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> be.fill(foreign, 0, 1, 0f));
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> be.alloc(1L << 32));
    }

    @Test
    void closedBackendRefusesWork() {
        ClBackend be = ClDevices.open(ClTestSupport.backend().device().index());
        Buf b = be.alloc(4);
        be.fill(b, 0, 4, 2f);
        be.finish();
        be.close();
        be.close();   // idempotent
        assertThrows(IllegalStateException.class, () -> be.fill(b, 0, 4, 1f));
        assertThrows(IllegalStateException.class, () -> be.alloc(4));
    }
}
