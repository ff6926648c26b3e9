package org.gpurnn.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.google.gson.JsonObject;

import org.gpurnn.backend.Backend;
import org.gpurnn.backend.CellType;
import org.gpurnn.backend.Optimizer;
import org.gpurnn.check.StepCheck;
import org.gpurnn.data.Corpus;
import org.gpurnn.model.ModelConfig;
import org.gpurnn.model.Network;
import org.gpurnn.model.TrainConfig;
import org.gpurnn.model.Trainer;
import org.gpurnn.opencl.ClBackend;
import org.gpurnn.opencl.ClProfiler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures training throughput: full steps (forward, backward, clip, Adam) in chars/s.",
                "Uses data/tinyshakespeare.txt when present, else a generated text with 65 symbols.",
                "--device auto takes the first GPU, else any OpenCL device, else the plain-Java backend."})
public final class BenchCommand implements Callable<Integer> {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BenchCommand.class);

    @Mixin
    DeviceOption device;

    @Mixin
    ShapeOptions shape = new ShapeOptions("rnn", 128, 1);

    @Option(names = "--steps", paramLabel = "N", defaultValue = "20", description = "Timed steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "3", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--json", description = "Print one JSON object instead of a line.")
    boolean json;

    @Option(names = "--profile",
            description = "On an OpenCL device, also print the device time of each kernel over the timed steps "
                    + "(on stderr with --json).")
    boolean profile;

    @Override
    public Integer call() {
        shape.check();
        Options.positive("--steps", steps);
        Options.nonNegative("--warmup", warmup);
        CellType cellType = shape.cellType();
        int batch = shape.batch, seq = shape.seq, hidden = shape.hidden, layers = shape.layers;
        Path shakespeare = Path.of("data", "tinyshakespeare.txt");
        Corpus corpus;
        if (Files.isRegularFile(shakespeare)) {
            corpus = Corpus.read(shakespeare);
        } else {
            corpus = StepCheck.syntheticCorpus(65, Math.max(200_000, 12 * batch * (seq + 1)), 1);
            log.info("text     generated, 65 symbols ({} not found; speed does not depend on the text)", shakespeare);
        }
        ModelConfig model = new ModelConfig(cellType, corpus.vocab().size(), hidden, layers, shape.headLayers,
                shape.dropout);
        TrainConfig tc = new TrainConfig(batch, seq, 2e-3f, 5f, Optimizer.ADAM, 1, steps + warmup, 0, 0, 1, 0, 1,
                Path.of("unused"));
        if (profile) {
            System.setProperty(ClProfiler.PROPERTY, "true");
        }
        try (Backend backend = BackendChoice.open(device.value())) {
            Trainer trainer = new Trainer(backend, model, tc, corpus);
            Network net = trainer.network();
            for (int k = 0; k < warmup; k++) {
                trainer.step();
            }
            net.scalar(Network.TRAIN_LOSS);  // waits for the queue to drain
            net.resetScalar(Network.TRAIN_LOSS);
            if (backend instanceof ClBackend cl) {
                cl.resetProfile();
            }
            long t0 = System.nanoTime();
            for (int k = 0; k < steps; k++) {
                trainer.step();
            }
            float loss = net.scalar(Network.TRAIN_LOSS) / ((float) steps * batch * seq);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double charsPerS = (double) steps * batch * seq / seconds;
            if (json) {
                JsonObject o = new JsonObject();
                o.addProperty("backend", backend.name());
                o.addProperty("device", backend.describe());
                o.addProperty("cell", cellType.id());
                o.addProperty("hidden", hidden);
                o.addProperty("layers", layers);
                o.addProperty("head_layers", shape.headLayers);
                o.addProperty("dropout", shape.dropout);
                o.addProperty("batch", batch);
                o.addProperty("seq", seq);
                o.addProperty("params", net.layout().size());
                o.addProperty("steps", steps);
                o.addProperty("ms_per_step", seconds * 1000 / steps);
                o.addProperty("chars_per_s", Math.round(charsPerS));
                o.addProperty("train_loss", loss);
                System.out.println(o);
            } else {
                System.out.printf(Locale.ROOT, "%s | %s %dx%d B=%d T=%d | params %d | %d steps | %.1f ms/step | "
                                + "%.0f chars/s | train loss %.4f%n", backend.describe(), cellType.id(), layers,
                        hidden, batch, seq, net.layout().size(), steps, seconds * 1000 / steps, charsPerS, loss);
            }
            if (profile && backend instanceof ClBackend cl) {
                (json ? System.err : System.out).print(cl.profileReport());
            } else if (profile) {
                log.info("--profile: {} has no kernels to time; it applies to OpenCL devices", backend.name());
            }
        }
        return 0;
    }
}
