package org.gpurnn.cli;

import java.util.List;
import java.util.concurrent.Callable;

import org.gpurnn.opencl.ClDeviceInfo;
import org.gpurnn.opencl.ClDevices;
import org.gpurnn.opencl.OpenClUnavailableException;
import picocli.CommandLine.Command;

@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "Lists the devices to pass to --device: every OpenCL device, then the CPU backend.")
public final class DevicesCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        try {
            List<ClDeviceInfo> all = ClDevices.list();
            System.out.println("index type  device (platform; OpenCL version, driver, memory, compute units)");
            for (ClDeviceInfo d : all) {
                String why = d.whyUnusable();
                System.out.println(d.summary() + (why == null ? "" : "  [unusable: " + why + "]"));
            }
        } catch (OpenClUnavailableException e) {
            System.out.println("no OpenCL devices: " + e.getMessage());
        }
        System.out.println("cpu  CPU   plain-Java reference backend, " + Runtime.getRuntime().availableProcessors()
                + " threads");
        return 0;
    }
}
