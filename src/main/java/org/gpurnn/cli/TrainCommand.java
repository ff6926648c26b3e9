package org.gpurnn.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonObject;

import org.gpurnn.backend.Backend;
import org.gpurnn.backend.CellType;
import org.gpurnn.backend.Optimizer;
import org.gpurnn.data.Corpus;
import org.gpurnn.data.DataFiles;
import org.gpurnn.model.ModelConfig;
import org.gpurnn.model.Snapshot;
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
                        + "saves OUT/latest.safetensors and exits; --resume OUT/latest.safetensors continues.",
                "--device auto takes the first GPU, else any OpenCL device, else the plain-Java backend."})
public final class TrainCommand implements java.util.concurrent.Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(TrainCommand.class);

    @Option(names = "--data", paramLabel = "FILE",
            description = "Training text, UTF-8. Default: data/tinyshakespeare.txt, downloaded (and its "
                    + "SHA-256 checked) when missing.")
    Path data;

    @Mixin
    DeviceOption device;

    @Mixin
    ShapeOptions shape = new ShapeOptions("lstm", 256, 2);

    @Option(names = "--forget-bias", paramLabel = "F", defaultValue = "0",
            description = "LSTM only: the forget gate's starting bias (default: ${DEFAULT-VALUE}). char-rnn's 1 helps "
                    + "memory over long spans but can leave a model that fails from a zero state (see README).")
    float forgetBias;

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

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Continue the run that saved this checkpoint: its model, optimizer state, step, place in "
                    + "the text and carried state; its --batch, --seq, --optimizer, --seed, and its --lr, --clip, "
                    + "--val-batches and text unless given. --steps and --epochs count from that run's start; "
                    + "without a stop, its planned steps (else 2000 more). A folder holding only that run's "
                    + "checkpoints is continued without --overwrite.")
    Path resume;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Default stop when none of --steps, --epochs, --minutes is given. */
    static final long DEFAULT_STEPS = 2000;

    private CellType cellType;
    private Optimizer opt;
    /** The checkpoint of --resume, and its step; null and 0 for a fresh run. */
    private Snapshot resumed;
    private long startStep;

    @Override
    public Integer call() {
        cellType = shape.cellType();
        opt = Optimizer.parse(optimizer);
        if (opt == null) {
            throw new Main.UserException("--optimizer must be adam, sgd or adagrad; got '" + optimizer + "'");
        }
        if (resume != null) {
            applyCheckpoint();
        }
        checkRanges();
        if (given("--forget-bias") && cellType != CellType.LSTM) {
            throw new Main.UserException("--forget-bias applies to --cell lstm only; leave it out for " + cellType.id());
        }
        if (given("--forget-bias") && resume != null) {
            throw new Main.UserException("--forget-bias sets the starting weights, and a resumed run has its own; "
                    + "leave it out with --resume");
        }
        if (!Float.isFinite(forgetBias)) {
            throw new Main.UserException("--forget-bias must be a finite number, got " + forgetBias);
        }
        long maxSteps = steps != null ? steps : epochs != null || minutes != null ? 0 : defaultStop();

        Path file = data != null ? data : DataFiles.defaultCorpus(Path.of("data"));
        Corpus corpus = Corpus.read(file);
        if (resumed != null && !Trainer.sameSymbols(resumed.vocab(), corpus.vocab())) {
            throw new Main.UserException("--resume: the vocabulary of " + file + " (" + corpus.vocab().size()
                    + " symbols) differs from the checkpoint's (" + resumed.vocab().size() + "); resume with the "
                    + "text the model was trained on (--data)");
        }
        ModelConfig model = new ModelConfig(cellType, corpus.vocab().size(), shape.hidden, shape.layers,
                shape.headLayers, shape.dropout);
        TrainConfig tc = new TrainConfig(shape.batch, shape.seq, lr, clip, opt, seed, maxSteps,
                epochs == null ? 0 : epochs, minutes == null ? 0 : minutes, logEvery, evalEvery, valBatches, out,
                forgetBias, TrainConfig.EPS);

        // A resumed run continues in a folder whose checkpoints are all its own without --overwrite.
        boolean continuing = resumed != null && OutputFolder.holdsOnlyRun(out, resumed.runId());
        try (OutputFolder folder = OutputFolder.claim(out, overwrite || continuing);
             Backend backend = BackendChoice.open(device.value())) {
            Trainer trainer = new Trainer(backend, model, tc, corpus);
            if (resumed != null) {
                String note = trainer.resume(resumed, continuing && Files.exists(out.resolve("best.safetensors")));
                log.info("resumed  {} at step {}{}", resume, trainer.steps(),
                        continuing ? "" : " (into another folder: the best loss starts anew here)");
                if (note != null) {
                    log.warn("resume: {}", note);
                }
            }
            Trainer.Result r = runWithInterrupts(trainer, folder);
            switch (r.outcome()) {
                case DIVERGED -> {
                    return Main.EXIT_FAILED;
                }
                case INTERRUPTED -> {
                    // Trainer.run said what it saved.
                }
                case FINISHED -> log.info("done: {} steps | val loss {} -> {} (best {}) | checkpoints {}",
                        r.steps(), fmt(r.firstValLoss()), fmt(r.lastValLoss()), fmt(r.bestValLoss()),
                        Files.exists(r.best()) ? r.latest() + " and " + r.best() : r.latest());
            }
            return 0;
        }
    }

    private void checkRanges() {
        shape.check();
        Options.positive("--log-every", logEvery);
        Options.nonNegative("--eval-every", evalEvery);
        Options.nonNegative("--val-batches", valBatches);
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
    }

    /** Steps to stop at when no stop option is given: the resumed run's own plan, else 2000 (more). */
    private long defaultStop() {
        if (resumed == null) {
            return DEFAULT_STEPS;
        }
        long planned = resumed.trainingLong("steps_planned", 0);
        return planned > startStep ? planned : startStep + DEFAULT_STEPS;
    }

    /**
     * --resume: the model, batching, optimizer, seed and validation size come from the checkpoint (an
     * option given with another value is an error); --lr and --clip too unless given; the text is the one
     * it was trained on unless --data names one.
     */
    private void applyCheckpoint() {
        resumed = Snapshot.read(resume);
        try {
            ModelConfig m = resumed.config();
            JsonObject t = resumed.training();
            mustMatch("--cell", cellType.id(), m.cell().id());
            mustMatch("--hidden", shape.hidden, m.hidden());
            mustMatch("--layers", shape.layers, m.layers());
            mustMatch("--head-layers", shape.headLayers, m.headLayers());
            mustMatch("--dropout", shape.dropout, m.dropout());
            cellType = m.cell();
            shape.hidden = m.hidden();
            shape.layers = m.layers();
            shape.headLayers = m.headLayers();
            shape.dropout = m.dropout();
            if (t.has("batch")) {
                mustMatch("--batch", shape.batch, t.get("batch").getAsInt());
                shape.batch = t.get("batch").getAsInt();
            }
            if (t.has("seq")) {
                mustMatch("--seq", shape.seq, t.get("seq").getAsInt());
                shape.seq = t.get("seq").getAsInt();
            }
            if (t.has("optimizer")) {
                String o = t.get("optimizer").getAsString().toLowerCase(java.util.Locale.ROOT);
                mustMatch("--optimizer", opt.name().toLowerCase(java.util.Locale.ROOT), o);
                opt = Optimizer.parse(o);
                if (opt == null) {
                    throw new IllegalArgumentException("unknown optimizer '" + o + "'");
                }
            }
            if (t.has("seed")) {
                mustMatch("--seed", seed, t.get("seed").getAsLong());
                seed = t.get("seed").getAsLong();
            }
            if (t.has("forget_bias")) {
                forgetBias = t.get("forget_bias").getAsFloat();  // recorded again in this run's checkpoints
            }
            if (!given("--lr") && t.has("lr")) {
                lr = t.get("lr").getAsFloat();
            }
            if (!given("--clip") && t.has("clip")) {
                clip = t.get("clip").getAsFloat();
            }
            if (!given("--val-batches") && t.has("val_batches")) {
                valBatches = t.get("val_batches").getAsInt();  // the best loss so far was measured on these
            }
            startStep = resumed.trainingLong("step", 0);
            if (steps != null && steps <= startStep) {
                throw new Main.UserException("--steps " + steps + ": " + resume + " is at step " + startStep
                        + " already, and --steps counts from the start of its run; pass a larger number");
            }
            if (epochs != null && t.has("epoch") && epochs <= t.get("epoch").getAsDouble()) {
                throw new Main.UserException("--epochs " + epochs + ": " + resume + " is at epoch "
                        + String.format(java.util.Locale.ROOT, "%.2f", t.get("epoch").getAsDouble())
                        + " already, and --epochs counts from the start of its run; pass a larger number");
            }
            Path trainedOn = trainedOn(t);
            if (data == null) {
                if (trainedOn == null || !Files.isRegularFile(trainedOn)) {
                    throw new Main.UserException(resume + " was trained on "
                            + (trainedOn == null ? "a text it does not name" : trainedOn + ", which is not there any more")
                            + "; pass --data FILE with that text");
                }
                data = trainedOn;
            } else if (trainedOn != null && !data.toAbsolutePath().normalize().equals(trainedOn)) {
                log.info("resume: training on {}; the checkpoint was trained on {}", data, trainedOn);
            }
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException
                 | ClassCastException e) {
            throw new Main.UserException(resume + ": the training metadata is not what gpurnn writes ("
                    + e.getMessage() + "); resume from a checkpoint saved by gpurnn train");
        }
    }

    /** The text a checkpoint was trained on, absolute; null when it does not say. */
    private static Path trainedOn(JsonObject t) {
        String p = t.has("data_path") ? t.get("data_path").getAsString()
                : t.has("data") ? t.get("data").getAsString() : null;  // older checkpoints: the path as given
        return p == null ? null : Path.of(p).toAbsolutePath().normalize();
    }

    /** Runs the trainer; Ctrl-C (or SIGTERM) asks it to finish the step, save and return before the JVM exits. */
    private static Trainer.Result runWithInterrupts(Trainer trainer, OutputFolder folder) {
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
        try {
            return trainer.run();
        } finally {
            folder.close();  // now: on Ctrl-C the JVM halts as soon as the hook returns
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already exiting (Ctrl-C): the hook is running and returns now.
            }
        }
    }

    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** With --resume, a model or batching option may be given only with the checkpoint's value. */
    private void mustMatch(String option, Object value, Object checkpoints) {
        if (given(option) && !value.toString().equals(checkpoints.toString())) {
            throw new Main.UserException(option + " " + value + " differs from the checkpoint's " + checkpoints
                    + "; leave it out to resume (it comes from the checkpoint), or train anew without --resume");
        }
    }

    private static String fmt(float v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }
}
