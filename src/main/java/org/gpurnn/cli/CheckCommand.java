package org.gpurnn.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.gpurnn.backend.Backend;
import org.gpurnn.backend.CellType;
import org.gpurnn.check.OpChecks;
import org.gpurnn.check.StepCheck;
import org.gpurnn.cpu.CpuBackend;
import org.gpurnn.model.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Verifies a device against the plain-Java reference: runs every op, then whole training "
                + "steps of every cell, on both with the same inputs, and prints the largest absolute and "
                + "relative error of each.", "Exits with status 1 if anything is outside its tolerance.",
                "--device auto takes the first GPU, else any OpenCL device, else the plain-Java backend."})
public final class CheckCommand implements Callable<Integer> {

    @Mixin
    DeviceOption device;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed for the random inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "20",
            description = "Training steps compared per model (default: ${DEFAULT-VALUE}).")
    int steps;

    @Override
    public Integer call() {
        Options.positive("--steps", steps);
        try (Backend dut = BackendChoice.open(device.value())) {
            if (dut instanceof CpuBackend) {
                System.out.println("note: the selected backend is the CPU reference itself; comparing it with a "
                        + "second instance only checks that it is deterministic");
            }
            Backend ref = new CpuBackend(CpuBackend.Precision.FLOAT);
            System.out.println("checking " + dut.describe() + " against " + ref.describe());
            System.out.printf(Locale.ROOT, "%-40s %-48s %10s %10s  %s%n", "op", "shape", "max abs", "max rel", "result");
            int failed = 0, total = 0;
            for (OpChecks.OpResult r : OpChecks.runAll(ref, dut, seed)) {
                total++;
                failed += r.pass() ? 0 : 1;
                print(r.op(), r.shape(), r.maxAbs(), r.maxRel(), r.pass(), r.firstMismatch());
            }
            for (ModelConfig m : models()) {
                for (StepCheck.Result r : StepCheck.run(ref, dut, m, 4, 8, steps, seed)) {
                    total++;
                    failed += r.pass() ? 0 : 1;
                    print(r.what(), r.shape(), r.maxAbs(), r.maxRel(), r.pass(), r.detail());
                }
            }
            System.out.println(failed == 0 ? "check passed: " + total + " comparisons within tolerance"
                    : "check FAILED: " + failed + " of " + total + " comparisons outside tolerance");
            return failed == 0 ? 0 : Main.EXIT_FAILED;
        }
    }

    /** Every cell with one layer; every cell with two layers, dropout and a head layer. */
    static List<ModelConfig> models() {
        List<ModelConfig> list = new ArrayList<>();
        for (CellType c : CellType.values()) {
            list.add(new ModelConfig(c, 11, 16, 1, 0, 0f));
            list.add(new ModelConfig(c, 11, 16, 2, 1, 0.25f));
        }
        return list;
    }

    private static void print(String op, String shape, double abs, double rel, boolean pass, String detail) {
        System.out.printf(Locale.ROOT, "%-40s %-48s %10.2e %10.2e  %s%n", op, shape, abs, rel,
                pass ? "ok" : "FAIL " + detail);
    }
}
