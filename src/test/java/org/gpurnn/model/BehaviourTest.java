package org.gpurnn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.gpurnn.backend.Backend;
import org.gpurnn.backend.CellType;
import org.gpurnn.backend.Optimizer;
import org.gpurnn.cpu.CpuBackend;
import org.gpurnn.data.Corpus;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What each cell must be able to learn, trained on the reference backend. */
class BehaviourTest {

    static final String LINE = "hello, gpu\n";  // 11 characters

    @TempDir
    Path dir;

    /**
     * A periodic text is learnt exactly: greedy sampling continues the period. This fails when the
     * state is not carried between steps in sampling, or not fed back.
     */
    @ParameterizedTest
    @EnumSource(CellType.class)
    void periodicLineIsReproducedByGreedySampling(CellType cell) {
        Corpus corpus = Corpus.of(LINE.repeat(400), "periodic");
        ModelConfig model = new ModelConfig(cell, corpus.vocab().size(), 32, 1, 0, 0f);
        TrainConfig tc = new TrainConfig(8, 22, 1e-2f, 5f, Optimizer.ADAM, 3, 300, 0, 0, 1000, 0, 0, dir);
        try (Backend be = new CpuBackend()) {
            Trainer trainer = new Trainer(be, model, tc, corpus);
            for (int s = 0; s < 300; s++) {
                trainer.step();
            }
            float val = trainer.validate();
            assertTrue(val < 0.05, cell + ": validation loss " + val);
            StringBuilder out = new StringBuilder();
            try (Sampler sampler = new Sampler(be, trainer.snapshot(val, Float.NaN))) {
                sampler.generate("hel", 3 * LINE.length(), 0f, 1, out::appendCodePoint);
            }
            String expected = (LINE + LINE + LINE + LINE).substring(3, 3 + 3 * LINE.length());
            assertEquals(expected, out.toString(), cell + " greedy continuation");
        }
    }
}
