package org.gpurnn.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("opencl")
class ClDevicesTest {

    @Test
    void listsAtLeastOneDevice() {
        ClTestSupport.backend();   // skips without OpenCL
        List<ClDeviceInfo> devices = ClDevices.list();
        assertFalse(devices.isEmpty());
        for (int i = 0; i < devices.size(); i++) {
            ClDeviceInfo d = devices.get(i);
            assertEquals(i, d.index());
            assertFalse(d.name().isBlank(), "device name");
            assertFalse(d.platform().isBlank(), "platform name");
            assertTrue(d.globalMemBytes() > 0, "global memory");
            assertTrue(d.openclVersion().startsWith("OpenCL "), d.openclVersion());
            assertTrue(d.maxWorkGroupSize() >= 1);
        }
        assertTrue(ClDevices.firstPreferred().isPresent());
        assertTrue(ClDevices.unavailableReason().isEmpty());
    }

    @Test
    void outOfRangeIndexNamesTheValidOnes() {
        ClTestSupport.backend();
        int n = ClDevices.list().size();
        DeviceSelectionException e = assertThrows(DeviceSelectionException.class, () -> ClDevices.open(n + 3));
        assertTrue(e.getMessage().contains("no OpenCL device " + (n + 3)), e.getMessage());
        assertTrue(e.getMessage().contains("0.." + (n - 1)), e.getMessage());
        assertThrows(DeviceSelectionException.class, () -> ClDevices.open(-1));
    }

    @Test
    void describeNamesDeviceVendorVersionDriverAndMemory() {
        ClBackend be = ClTestSupport.backend();
        String d = be.describe();
        ClDeviceInfo info = be.device();
        assertTrue(d.startsWith("opencl: " + info.name() + " ("), d);
        assertTrue(d.contains(info.vendor()) && d.contains(info.openclVersion()), d);
        assertTrue(d.contains("driver " + info.driverVersion()) && d.endsWith("GiB)"), d);
        assertEquals("opencl", be.name());
    }
}
