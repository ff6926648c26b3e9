package org.gpurnn.cli;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.gpurnn.backend.Backend;
import org.gpurnn.backend.CellType;
import org.gpurnn.backend.Optimizer;
import org.gpurnn.data.Corpus;
import org.gpurnn.data.DataFiles;
import org.gpurnn.model.ModelConfig;
import org.gpurnn.model.TrainConfig;
import org.gpurnn.model.Trainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a character-level model on a UTF-8 text file.",
                "Checkpoints go to OUT/latest.safetensors (every validation and at the end) and "
                        + "OUT/best.safetensors (lowest validation loss). Ctrl-C finishes the current step, "
                        + "saves OUT/latest.safetensors and exits."})
public final class TrainCommand implements java.util.concurrent.Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(TrainCommand.class);

    @Option(names = "--data", paramLabel = "FILE",
            description = "Training text, UTF-8. Default: data/tinyshakespeare.txt, downloaded (and its "
                    + "SHA-256 checked) when missing.")
    Path data;

    @Mixin
    DeviceOption device;

    @Option(names = "--cell", paramLabel = "CELL", defaultValue = "lstm",
            description = "Recurrent cell: rnn, gru, mgu or lstm (default: ${DEFAULT-VALUE}).")
    String cell;

    @Option(names = "--hidden", paramLabel = "H", defaultValue = "256", description = "Hidden size (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--layers", paramLabel = "L", defaultValue = "2", description = "Stacked layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--head-layers", paramLabel = "K", defaultValue = "0",
            description = "Extra tanh layers of width H before the softmax (default: ${DEFAULT-VALUE}).")
    int headLayers;

    @Option(names = "--dropout", paramLabel = "P", defaultValue = "0",
            description = "Dropout probability after each recurrent layer, in [0, 1) (default: ${DEFAULT-VALUE}).")
    float dropout;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "32", description = "Parallel streams per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", paramLabel = "T", defaultValue = "64", description = "Steps unrolled per batch (default: ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "2e-3", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--clip", paramLabel = "C", defaultValue = "5",
            description = "Clip the gradient to this global L2 norm; 0 turns clipping off (default: ${DEFAULT-VALUE}).")
    float clip;

    @Option(names = "--optimizer", paramLabel = "OPT", defaultValue = "adam",
            description = "adam, sgd or adagrad (default: ${DEFAULT-VALUE}). The default --lr suits Adam; "
                    + "SGD needs a much larger one, e.g. 0.1 to 1.")
    String optimizer;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1234", description = "Seed for weights and dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--steps", paramLabel = "N", description = "Stop after N updates.")
    Long steps;

    @Option(names = "--epochs", paramLabel = "E", description = "Stop after E (a whole number) passes over the training split.")
    Integer epochs;

    @Option(names = "--minutes", paramLabel = "M", description = "Stop after M minutes.")
    Double minutes;

    @Option(names = "--log-every", paramLabel = "N", defaultValue = "50", description = "Log every N steps (default: ${DEFAULT-VALUE}).")
    int logEvery;

    @Option(names = "--eval-every", paramLabel = "N", defaultValue = "500",
            description = "Validate and checkpoint every N steps; 0 = only at the end (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--val-batches", paramLabel = "N", defaultValue = "100",
            description = "At most N validation batches per evaluation, from the start of the validation split; "
                    + "0 = all of it (default: ${DEFAULT-VALUE}; at the default --batch and --seq that is all of "
                    + "tiny Shakespeare's).")
    int valBatches;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "checkpoints", description = "Checkpoint folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--overwrite", description = "Replace the checkpoints of an earlier run in --out.")
    boolean overwrite;

    /** Default stop when none of --steps, --epochs, --minutes is given. */
    static final long DEFAULT_STEPS = 2000;

    @Override
    public Integer call() {
        Options.range("--hidden", hidden, 1, ModelConfig.MAX_HIDDEN);
        Options.range("--layers", layers, 1, ModelConfig.MAX_LAYERS);
        Options.range("--head-layers", headLayers, 0, ModelConfig.MAX_HEAD_LAYERS);
        Options.positive("--batch", batch);
        Options.positive("--seq", seq);
        Options.positive("--log-every", logEvery);
        Options.nonNegative("--eval-every", evalEvery);
        Options.nonNegative("--val-batches", valBatches);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new Main.UserException("--dropout must be in [0, 1), got " + dropout);
        }
        if (!(lr > 0) || Float.isInfinite(lr)) {
            throw new Main.UserException("--lr must be a positive number, got " + lr);
        }
        if (!(clip >= 0) || Float.isInfinite(clip)) {
            throw new Main.UserException("--clip must be >= 0 (0 turns clipping off), got " + clip);
        }
        if (steps != null) {
            Options.positive("--steps", steps);
        }
        if (epochs != null) {
            Options.positive("--epochs", epochs);
        }
        if (minutes != null && !(minutes > 0)) {
            throw new Main.UserException("--minutes must be > 0, got " + minutes);
        }
        CellType cellType;
        try {
            cellType = CellType.parse(cell);
        } catch (IllegalArgumentException e) {
            throw new Main.UserException("--cell: " + e.getMessage());
        }
        Optimizer opt = switch (optimizer.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "adam" -> Optimizer.ADAM;
            case "sgd" -> Optimizer.SGD;
            case "adagrad" -> Optimizer.ADAGRAD;
            default -> throw new Main.UserException("--optimizer must be adam, sgd or adagrad; got '" + optimizer + "'");
        };
        long maxSteps = steps == null && epochs == null && minutes == null ? DEFAULT_STEPS : (steps == null ? 0 : steps);

        Path file = data != null ? data : DataFiles.defaultCorpus(Path.of("data"));
        Corpus corpus = Corpus.read(file);
        ModelConfig model = new ModelConfig(cellType, corpus.vocab().size(), hidden, layers, headLayers, dropout);
        TrainConfig tc = new TrainConfig(batch, seq, lr, clip, opt, seed, maxSteps,
                epochs == null ? 0 : epochs, minutes == null ? 0 : minutes, logEvery, evalEvery, valBatches, out);

        try (OutputFolder folder = OutputFolder.claim(out, overwrite);
             Backend backend = BackendChoice.open(device.value())) {
            Trainer trainer = new Trainer(backend, model, tc, corpus);
            CountDownLatch done = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                if (done.getCount() == 0) {
                    return;  // training is over; the JVM is exiting for another reason
                }
                log.warn("interrupt: finishing the current step, then saving");
                trainer.requestStop();
                try {
                    done.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "gpurnn-interrupt");
            Runtime.getRuntime().addShutdownHook(hook);
            Trainer.Result r;
            try {
                r = trainer.run();
            } finally {
                done.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The JVM is already exiting (Ctrl-C): the hook is running and returns now.
                }
            }
            switch (r.outcome()) {
                case DIVERGED -> {
                    return Main.EXIT_FAILED;
                }
                case INTERRUPTED -> {
                    // Trainer.run said what it saved.
                }
                case FINISHED -> log.info("done: {} steps | val loss {} -> {} (best {}) | checkpoints {} and {}",
                        r.steps(), fmt(r.firstValLoss()), fmt(r.lastValLoss()), fmt(r.bestValLoss()),
                        r.latest(), r.best());
            }
            return 0;
        }
    }

    private static String fmt(float v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }
}
