package org.gpurnn.model;

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
