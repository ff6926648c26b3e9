package org.gpurnn.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.gpurnn.backend.Backend;
import org.gpurnn.backend.CellType;
import org.gpurnn.backend.Optimizer;
import org.gpurnn.check.StepCheck;
import org.gpurnn.cpu.CpuBackend;
import org.gpurnn.data.Corpus;
import org.gpurnn.model.ModelConfig;
import org.gpurnn.model.Sampler;
import org.gpurnn.model.Snapshot;
import org.gpurnn.model.TrainConfig;
import org.gpurnn.model.Trainer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Whole training runs on the OpenCL device against the reference. */
@Tag("opencl")
class ClEndToEndTest {

    @TempDir
    Path dir;

    /** One step and 20 steps of every cell, 1 and 2 layers, with dropout: losses, gradients and weights agree. */
    @ParameterizedTest
    @EnumSource(CellType.class)
    void trainingStepsAgreeWithTheReference(CellType cell) {
        ClBackend cl = ClTestSupport.backend();
        CpuBackend ref = new CpuBackend();
        for (ModelConfig m : List.of(new ModelConfig(cell, 65, 48, 1, 0, 0f),
                new ModelConfig(cell, 300, 33, 2, 1, 0.3f))) {
            List<StepCheck.Result> bad = StepCheck.run(ref, cl, m, 5, 12, 20, 11).stream()
                    .filter(r -> !r.pass()).collect(Collectors.toList());
            assertTrue(bad.isEmpty(), () -> m.summary() + ": " + bad);
        }
    }

    /** On the device too, 12 steps equal 6, a checkpoint, and 6 more from it, to the last bit. */
    @Test
    void resumingOnTheDeviceContinuesExactly() throws java.io.IOException {
        ClBackend cl = ClTestSupport.backend();
        Corpus corpus = StepCheck.syntheticCorpus(40, 4000, 3);
        ModelConfig model = new ModelConfig(CellType.LSTM, corpus.vocab().size(), 24, 2, 0, 0.2f);
        Path whole = Files.createDirectory(dir.resolve("whole")), split = Files.createDirectory(dir.resolve("split"));
        java.util.function.BiFunction<Long, Path, Trainer> trainer = (steps, out) -> new Trainer(cl, model,
                new TrainConfig(4, 16, 2e-3f, 1f, Optimizer.ADAM, 5, steps, 0, 0, 1, 0, 4, out), corpus);
        trainer.apply(12L, whole).run();
        trainer.apply(6L, split).run();
        Trainer resumed = trainer.apply(12L, split);
        assertEquals(null, resumed.resume(Snapshot.read(split.resolve("latest.safetensors")), true));
        resumed.run();
        Snapshot a = Snapshot.read(whole.resolve("latest.safetensors"));
        Snapshot b = Snapshot.read(split.resolve("latest.safetensors"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.params(), b.params(), "parameters");
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.state(), b.state(), "carried state");
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.optState().get(1), b.optState().get(1), "Adam's second moment");
    }

    /**
     * On tiny Shakespeare, a few hundred steps on each backend bring the validation loss far below
     * ln V; greedy sampling from the saved checkpoint gives the same text on both backends.
     */
    @Test
    void learnsShakespeareAndSamplesTheSameTextOnBothBackends() {
        Path data = Path.of("data", "tinyshakespeare.txt");
        Assumptions.assumeTrue(Files.isRegularFile(data),
                "data/tinyshakespeare.txt is missing (CI copies it there; or run bin/gpurnn train once)");
        ClBackend cl = ClTestSupport.backend();
        Corpus corpus = Corpus.read(data);
        ModelConfig model = new ModelConfig(CellType.RNN, corpus.vocab().size(), 128, 1, 0, 0f);
        TrainConfig tc = new TrainConfig(32, 64, 4e-3f, 5f, Optimizer.ADAM, 7, 150, 0, 0, 50, 0, 20, dir);
        double lnV = Math.log(corpus.vocab().size());

        float[] val = new float[2];
        Snapshot trained = null;
        Backend[] backends = {new CpuBackend(), cl};
        for (int k = 0; k < 2; k++) {
            Trainer t = new Trainer(backends[k], model, new TrainConfig(tc.batchSize(), tc.seqLen(), tc.lr(), tc.clip(),
                    tc.optimizer(), tc.seed(), tc.steps(), 0, 0, 50, 0, 20, dir.resolve("b" + k)), corpus);
            Trainer.Result r = t.run();
            val[k] = r.lastValLoss();
            assertEquals(Trainer.Outcome.FINISHED, r.outcome());
            assertTrue(r.firstValLoss() > lnV - 0.05, "untrained loss near ln V: " + r.firstValLoss());
            assertTrue(val[k] < 2.6, backends[k].name() + ": validation loss " + val[k] + " after 150 steps");
            if (k == 0) {
                trained = Snapshot.read(r.latest());
            }
        }
        // The two runs differ only by float rounding, so they end close together.
        assertEquals(val[0], val[1], 0.05, "validation loss, cpu vs opencl");

        String[] text = new String[2];
        for (int k = 0; k < 2; k++) {
            StringBuilder sb = new StringBuilder();
            try (Sampler s = new Sampler(backends[k], trained)) {
                s.generate("ROMEO:\n", 300, 0f, 3, sb::appendCodePoint);
            }
            text[k] = sb.toString();
        }
        assertEquals(text[0], text[1], "greedy samples, cpu vs opencl");
        assertTrue(text[0].contains(" "), () -> "expected words: " + text[0]);
    }
}
