package org.gpurnn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gpurnn.backend.CellType;
import org.gpurnn.backend.Optimizer;
import org.gpurnn.cpu.CpuBackend;
import org.gpurnn.data.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a run leaves in its checkpoint folder when it ends in ways other than finishing. */
class TrainerCheckpointTest {

    @TempDir
    Path dir;

    private Trainer trainer(long steps, int evalEvery, Corpus corpus) {
        ModelConfig model = new ModelConfig(CellType.GRU, corpus.vocab().size(), 8, 1, 0, 0f);
        TrainConfig tc = new TrainConfig(2, 8, 2e-3f, 5f, Optimizer.ADAM, 1, steps, 0, 0, 1000, evalEvery, 0, dir);
        return new Trainer(new CpuBackend(), model, tc, corpus);
    }

    @Test
    void anInterruptBeforeTheFirstValidationRemovesAnEarlierRunsBest() throws Exception {
        Corpus corpus = Corpus.of("the cat sat on the mat.\n".repeat(100), "cat");
        // An earlier run's checkpoints, as --overwrite allows.
        Trainer earlier = trainer(3, 0, corpus);
        assertEquals(Trainer.Outcome.FINISHED, earlier.run().outcome());
        assertTrue(Files.exists(dir.resolve("best.safetensors")));

        Trainer t = trainer(Long.MAX_VALUE / 2, 0, corpus);
        Trainer.Result[] result = new Trainer.Result[1];
        Thread run = new Thread(() -> result[0] = t.run());
        run.start();
        while (t.steps() < 5 && run.isAlive()) {
            Thread.sleep(5);
        }
        t.requestStop();
        run.join(60_000);
        assertEquals(Trainer.Outcome.INTERRUPTED, result[0].outcome());
        assertTrue(Files.exists(dir.resolve("latest.safetensors")));
        assertFalse(Files.exists(dir.resolve("best.safetensors")),
                "best.safetensors of the earlier run would not match latest.safetensors of this one");
        assertEquals(result[0].steps(), Snapshot.read(dir.resolve("latest.safetensors")).training().get("step").getAsLong());
    }

    private Trainer trainer(ModelConfig model, long steps, Path out, Corpus corpus) {
        TrainConfig tc = new TrainConfig(8, 16, 2e-3f, 1f, Optimizer.ADAM, 7, steps, 0, 0, 1, 0, 0, out);
        return new Trainer(new CpuBackend(), model, tc, corpus);
    }

    /** 20 steps in one go equal 10 steps, a checkpoint, and 10 more from it, to the last bit. */
    @ParameterizedTest
    @EnumSource(CellType.class)
    void resumingFromACheckpointContinuesExactly(CellType cell) throws IOException {
        // 16 batches per epoch: the 20 steps cross an epoch boundary after the resume.
        Corpus corpus = Corpus.of("the quick brown fox jumps over the lazy dog; ".repeat(52), "fox");
        ModelConfig model = new ModelConfig(cell, corpus.vocab().size(), 9, 2, 1, 0.25f);
        Path whole = Files.createDirectory(dir.resolve("whole")), split = Files.createDirectory(dir.resolve("split"));
        Trainer.Result a = trainer(model, 20, whole, corpus).run();
        trainer(model, 10, split, corpus).run();
        Snapshot half = Snapshot.read(split.resolve("latest.safetensors"));
        assertEquals(10, half.training().get("step").getAsLong());
        Trainer resumed = trainer(model, 20, split, corpus);
        assertEquals(null, resumed.resume(half, true), "everything is restored");
        Trainer.Result b = resumed.run();

        Snapshot sa = Snapshot.read(whole.resolve("latest.safetensors"));
        Snapshot sb = Snapshot.read(split.resolve("latest.safetensors"));
        assertArrayEquals(sa.params(), sb.params(), "parameters");
        for (int k = 0; k < sa.optState().size(); k++) {
            assertArrayEquals(sa.optState().get(k), sb.optState().get(k), "optimizer state " + k);
        }
        assertArrayEquals(sa.state(), sb.state(), "carried state");
        assertEquals(a.lastTrainLoss(), b.lastTrainLoss(), "loss of the last step");
        assertEquals(a.lastValLoss(), b.lastValLoss(), "validation loss");
        assertEquals(sa.training().get("batches_served").getAsLong(), sb.training().get("batches_served").getAsLong());
    }

    @Test
    void aCheckpointWithoutOptimizerStateIsNotResumed() throws IOException {
        Corpus corpus = Corpus.of("the cat sat on the mat.\n".repeat(100), "cat");
        trainer(3, 0, corpus).run();
        Snapshot full = Snapshot.read(dir.resolve("latest.safetensors"));
        Snapshot weightsOnly = new Snapshot(full.config(), full.vocab(), full.params(), java.util.List.of(),
                full.state(), full.training());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> trainer(6, 0, corpus).resume(weightsOnly, true));
        assertTrue(e.getMessage().contains("optimizer state"), e.getMessage());
    }

    @Test
    void aStopRequestedBeforeAnyStepSavesNothing() throws IOException {
        Corpus corpus = Corpus.of("the cat sat on the mat.\n".repeat(100), "cat");
        Trainer t = trainer(100, 0, corpus);
        t.requestStop();
        Trainer.Result r = t.run();
        assertEquals(Trainer.Outcome.INTERRUPTED, r.outcome());
        assertEquals(0, r.steps());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "nothing saved");
        }
    }
}
