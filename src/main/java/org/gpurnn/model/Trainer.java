package org.gpurnn.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.google.gson.JsonObject;

import org.gpurnn.backend.Backend;
import org.gpurnn.backend.Buf;
import org.gpurnn.backend.Dropout;
import org.gpurnn.backend.OptimizerArgs;
import org.gpurnn.data.BatchLoader;
import org.gpurnn.data.Corpus;
import org.gpurnn.data.DataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Truncated BPTT over minibatches of B parallel streams: forward, loss, backward, clip, update;
 * the hidden state carried from batch to batch and reset at each epoch. Validation and checkpoints
 * every {@code evalEvery} steps and at the end.
 *
 * <p>Inside a step nothing is read back from the backend: the loss is summed on the device, and the
 * optimizer takes the gradient norm for clipping from a device scalar. The host reads the loss and
 * the norm only at log lines.
 */
public final class Trainer {

    private static final Logger log = LoggerFactory.getLogger(Trainer.class);

    /** Why training stopped. */
    public enum Outcome { FINISHED, INTERRUPTED, DIVERGED }

    /** What a run produced, for callers and tests. */
    public record Result(Outcome outcome, long steps, float firstValLoss, float lastValLoss, float bestValLoss,
                         float lastTrainLoss, Path latest, Path best) {
    }

    private final Backend be;
    private final ModelConfig model;
    private final TrainConfig cfg;
    private final Corpus corpus;
    private final Network net;
    private final List<Buf> optState = new ArrayList<>();
    private final BatchLoader train, val;
    private final int[] x, y;
    private volatile boolean stopRequested;

    private long step;             // updates done
    private long startStep;        // the step this run started from: 0, or where a resumed run stood
    private float bestVal = Float.POSITIVE_INFINITY;
    private long bestStep = -1;
    private boolean bestSaved;     // whether this run has written best.safetensors yet
    private float firstTrain = Float.NaN;  // the run's first logged training loss, for the divergence test
    private String runId = java.util.UUID.randomUUID().toString();  // kept across resumes
    private long valStep = -1;     // the step of the last validation, and its loss
    private float valLoss = Float.NaN;

    public Trainer(Backend backend, ModelConfig model, TrainConfig cfg, Corpus corpus) {
        this.be = backend;
        this.model = model;
        this.cfg = cfg;
        this.corpus = corpus;
        try {
            this.train = new BatchLoader(corpus.train(), cfg.batchSize(), cfg.seqLen());
        } catch (DataException e) {
            throw new DataException("training split (first 90% of the text): " + e.getMessage());
        }
        // Made now, so that a validation split too short fails here rather than at the first evaluation.
        try {
            this.val = new BatchLoader(corpus.val(), cfg.batchSize(), cfg.seqLen());
        } catch (DataException e) {
            throw new DataException("validation split (last 10% of the text): " + e.getMessage());
        }
        this.net = new Network(backend, model, cfg.batchSize(), cfg.seqLen());
        for (int k = 0; k < cfg.optimizer().stateTensors; k++) {
            optState.add(backend.alloc(net.layout().size()));
        }
        this.x = new int[cfg.batchSize() * cfg.seqLen()];
        this.y = new int[x.length];
        net.setParams(net.layout().initialValues(cfg.seed(), cfg.forgetBias()));
    }

    public Network network() {
        return net;
    }

    /**
     * Continues the training run a checkpoint was saved from: parameters, optimizer state, step count
     * (which also drives Adam's bias correction and the dropout masks), position in the text, carried
     * state and best validation loss. The checkpoint must have this trainer's model, vocabulary,
     * optimizer, batch size and unroll length; the caller checks them with messages for the user.
     *
     * @param snap       the checkpoint
     * @param bestIsOurs whether best.safetensors in the output folder belongs to that run (the run
     *                   continues in the folder it was saved to); if not, the best starts anew here
     * @return a note of what could not be restored, or null when it continues exactly
     */
    public String resume(Snapshot snap, boolean bestIsOurs) {
        if (!snap.config().equals(model) || !sameSymbols(snap.vocab(), corpus.vocab())) {
            throw new IllegalArgumentException("resume: the checkpoint is of another model or vocabulary");
        }
        JsonObject t = snap.training();
        net.setParams(snap.params());
        // Fresh moments under a late step count would make the first Adam updates several times lr.
        if (snap.optState().size() != optState.size()) {
            throw new IllegalArgumentException("resume: the checkpoint holds " + snap.optState().size()
                    + " optimizer state tensors, " + cfg.optimizer().name().toLowerCase(java.util.Locale.ROOT)
                    + " needs " + optState.size() + " (a weights-only file cannot be resumed); train anew");
        }
        for (int k = 0; k < optState.size(); k++) {
            be.upload(optState.get(k), 0, snap.optState().get(k), 0, snap.optState().get(k).length);
        }
        step = snap.trainingLong("step", 0);
        long served = snap.trainingLong("batches_served", step);
        if (step < 0 || served < 0) {
            throw new IllegalArgumentException("resume: the checkpoint says step " + step + " and " + served
                    + " batches served; both must be >= 0");
        }
        startStep = step;
        train.seek(served);
        if (snap.runId() != null) {
            runId = snap.runId();
        }
        if (t.has("first_train_loss") && t.get("first_train_loss").isJsonPrimitive()) {
            firstTrain = t.get("first_train_loss").getAsFloat();  // the divergence test's reference
        }
        String note = null;
        if (snap.stateStreams() == cfg.batchSize()) {
            net.setState(snap.state());
        } else {
            note = "the checkpoint has no carried state; the streams start from zero";
        }
        // The best so far counts only where its file is: in another folder this run starts a new best.
        if (bestIsOurs && t.has("best_val_loss") && t.get("best_val_loss").isJsonPrimitive()) {
            bestVal = t.get("best_val_loss").getAsFloat();
            bestStep = snap.trainingLong("best_step", -1);
        }
        bestSaved = bestIsOurs;
        return note;
    }

    /** Whether two vocabularies hold the same symbols with the same ids. */
    public static boolean sameSymbols(org.gpurnn.data.Vocab a, org.gpurnn.data.Vocab b) {
        return java.util.Arrays.equals(a.symbols(), b.symbols());
    }

    /** Updates done so far. */
    public long steps() {
        return step;
    }

    /** Asks the loop to stop after the current step, save, and return (Ctrl-C). */
    public void requestStop() {
        stopRequested = true;
    }

    /** One update on the next batch; returns nothing to the host. */
    public void step() {
        // TODO(training): the state is reset only at an epoch's start, so the model rarely sees the zero
        // state that validation and sampling start from; occasional resets would make that start robust.
        if (train.next(x, y)) {
            net.resetState();
        }
        net.setBatch(x, y);
        long seed = Dropout.hash(cfg.seed(), step);
        net.forward(true, seed, Network.TRAIN_LOSS);
        net.backward(seed);
        step++;
        OptimizerArgs args = new OptimizerArgs(cfg.lr(), TrainConfig.ADAM_BETA1, TrainConfig.ADAM_BETA2,
                cfg.eps(),
                (int) Math.min(step, Integer.MAX_VALUE));
        be.optimizerStep(cfg.optimizer(), net.layout().size(), net.params(), net.grads(),
                optState.size() > 0 ? optState.get(0) : null, optState.size() > 1 ? optState.get(1) : null,
                net.gradSumSq(), cfg.clip(), args);
        net.carryState();
    }

    /**
     * Mean cross-entropy (nats/char) over the validation split, from a zero state; training state is kept.
     * NaN when a stop was requested before the pass was complete.
     */
    public float validate() {
        val.seek(0);
        int batches = cfg.valBatches() == 0 ? val.batchesPerEpoch() : Math.min(cfg.valBatches(), val.batchesPerEpoch());
        net.saveState();
        net.resetState();
        net.resetScalar(Network.EVAL_LOSS);
        for (int k = 0; k < batches; k++) {
            if (stopRequested) {
                net.restoreState();
                return Float.NaN;
            }
            val.next(x, y);
            net.setBatch(x, y);
            net.forward(false, 0, Network.EVAL_LOSS);
            net.carryState();
        }
        float sum = net.scalar(Network.EVAL_LOSS);
        net.restoreState();
        return sum / ((float) batches * x.length);
    }

    /** Runs until a stop condition; logs, validates and checkpoints on the way. */
    public Result run() {
        long maxSteps = cfg.steps();
        if (maxSteps == 0 && cfg.epochs() == 0 && cfg.minutes() == 0) {
            throw new IllegalArgumentException("no stop condition: give steps, epochs or minutes");
        }
        if (cfg.epochs() > 0) {
            long byEpochs = (long) cfg.epochs() * train.batchesPerEpoch();
            maxSteps = maxSteps == 0 ? byEpochs : Math.min(maxSteps, byEpochs);
        }
        // Beyond a century there is no deadline; this also keeps nanoTime() + limit from overflowing.
        double limitNanos = cfg.minutes() * 60e9;
        long start = System.nanoTime();
        boolean timed = cfg.minutes() > 0 && limitNanos < 3e18;
        logStart(maxSteps);
        if (train.batchesPerEpoch() < 50) {
            log.warn("the training split gives only {} batches per epoch; the model will see little variety "
                    + "(use more text, or lower --batch or --seq)", train.batchesPerEpoch());
        }

        Path latest = cfg.outDir().resolve("latest.safetensors");
        Path best = cfg.outDir().resolve("best.safetensors");
        float firstVal = validate();
        if (!stopRequested) {
            valStep = step;
            valLoss = firstVal;
            log.info(String.format(Locale.ROOT, "val  step %d | loss %.4f | bpc %.3f %s",
                    step, firstVal, firstVal / Math.log(2), step == 0
                            ? String.format(Locale.ROOT, "(untrained; ln V = %.4f)", Math.log(model.vocab()))
                            : String.format(Locale.ROOT, "(resumed; best %.4f @ %d)", bestVal, bestStep)));
        }
        float lastVal = firstVal, lastTrain = Float.NaN;
        long intervalStart = System.nanoTime(), sinceLog = 0;
        Outcome outcome = Outcome.FINISHED;
        net.resetScalar(Network.TRAIN_LOSS);

        while (step < (maxSteps == 0 ? Long.MAX_VALUE : maxSteps)
                && !(timed && System.nanoTime() - start >= (long) limitNanos)) {
            if (stopRequested) {
                outcome = Outcome.INTERRUPTED;
                break;
            }
            step();
            sinceLog++;
            boolean last = step == maxSteps;
            if (step % cfg.logEvery() == 0 || last || step == 1) {
                lastTrain = logStep(maxSteps, sinceLog, intervalStart);
                if (Float.isNaN(firstTrain)) {
                    firstTrain = lastTrain;
                }
                if (!Float.isFinite(lastTrain) || lastTrain > 3 * firstTrain) {
                    log.error(String.format(Locale.ROOT,
                            "training diverged at step %d: loss %.4g (first %.4f); nothing more is saved. HINT: %s",
                            step, lastTrain, firstTrain, cfg.clip() > 0 ? "lower --lr or --clip"
                                    : "lower --lr, or clip the gradient (e.g. --clip 5)"));
                    outcome = Outcome.DIVERGED;
                    break;
                }
                intervalStart = System.nanoTime();
                sinceLog = 0;
            }
            if ((cfg.evalEvery() > 0 && step % cfg.evalEvery() == 0) && !last) {
                float v = evaluateAndSave(latest, best, lastTrain);
                if (!stopRequested) {
                    lastVal = v;
                }
            }
        }
        if (sinceLog > 0 && outcome != Outcome.DIVERGED) {
            // Stopped by the clock or an interrupt between log lines: report the last steps too.
            lastTrain = logStep(maxSteps, sinceLog, intervalStart);
        }
        if (outcome == Outcome.FINISHED) {
            float v = evaluateAndSave(latest, best, lastTrain);
            if (Float.isNaN(v) && stopRequested) {
                outcome = Outcome.INTERRUPTED;  // during the final validation: saved as any interrupt is
            } else {
                lastVal = v;
            }
        }
        if (outcome == Outcome.INTERRUPTED && step == startStep) {
            log.info("interrupted before the first step: nothing saved");
        } else if (outcome == Outcome.INTERRUPTED) {
            saveLatest(snapshot(Float.NaN, lastTrain), latest, best);
            log.info("interrupted at step {}: saved {} without a validation pass", step, latest);
        }
        return new Result(outcome, step, firstVal, lastVal, bestVal, lastTrain, latest, best);
    }

    /** Logs one step line for the {@code steps} steps since {@code since}; returns their mean loss. */
    private float logStep(long maxSteps, long steps, long since) {
        float loss = net.scalar(Network.TRAIN_LOSS) / ((float) steps * x.length);
        float norm = net.gradNorm();
        net.resetScalar(Network.TRAIN_LOSS);
        double ms = (System.nanoTime() - since) / 1e6 / steps;
        log.info(String.format(Locale.ROOT,
                "step %d/%s | epoch %.2f | loss %.4f | gnorm %.2f (clip %s) | lr %.1e | %.1f ms | %s char/s",
                step, maxSteps == 0 ? "?" : Long.toString(maxSteps), train.epochProgress(), loss, norm,
                cfg.clip() > 0 ? String.format(Locale.ROOT, "%.1f", cfg.clip()) : "off", cfg.lr(), ms,
                step == 1 ? "-" : human(x.length * 1000.0 / ms)));
        return loss;
    }

    /** Validates (unless this step already was), then writes latest, and best when the loss improved. */
    private float evaluateAndSave(Path latest, Path best, float trainLoss) {
        boolean fresh = valStep != step;
        float val = fresh ? validate() : valLoss;
        if (Float.isNaN(val) && stopRequested) {
            return val;  // interrupted during the pass: the caller saves latest as for any interrupt
        }
        valStep = step;
        valLoss = val;
        boolean improved = val < bestVal;
        if (improved) {
            bestVal = val;
            bestStep = step;
        }
        if (fresh) {
            log.info(String.format(Locale.ROOT, "val  step %d | loss %.4f | bpc %.3f | best %.4f @ %d",
                    step, val, val / Math.log(2), bestVal, bestStep));
        }
        Snapshot snap = snapshot(val, trainLoss);
        if (improved) {
            snap.write(best);
            bestSaved = true;
        }
        saveLatest(snap, latest, best);
        return val;
    }

    /**
     * Writes latest. Until this run has written a best, a best.safetensors in the folder is an earlier
     * run's (replaced with --overwrite) and would not match latest; it is removed.
     */
    private void saveLatest(Snapshot snap, Path latest, Path best) {
        snap.write(latest);
        if (!bestSaved) {
            try {
                if (java.nio.file.Files.deleteIfExists(best)) {
                    log.info("removed {} of an earlier run: this run has not validated yet", best);
                }
            } catch (java.io.IOException e) {
                log.warn("could not remove {} of an earlier run ({}); it does not match {}", best, e.getMessage(), latest);
            }
        }
    }

    /** Reads parameters and optimizer state back to the host (only at checkpoints). */
    public Snapshot snapshot(float valLoss, float trainLoss) {
        List<float[]> opt = new ArrayList<>();
        for (Buf s : optState) {
            float[] a = new float[Math.toIntExact(s.size())];
            be.download(s, 0, a, 0, a.length);
            opt.add(a);
        }
        JsonObject t = new JsonObject();
        t.addProperty("run", runId);
        t.addProperty("step", step);
        t.addProperty("epoch", train.epochProgress());
        t.addProperty("batches_served", train.batchesServed());
        addFinite(t, "train_loss", trainLoss);
        addFinite(t, "first_train_loss", firstTrain);
        addFinite(t, "val_loss", valLoss);
        addFinite(t, "best_val_loss", bestVal);
        t.addProperty("best_step", bestStep);
        t.addProperty("optimizer", cfg.optimizer().name().toLowerCase(Locale.ROOT));
        t.addProperty("lr", cfg.lr());
        t.addProperty("clip", cfg.clip());
        t.addProperty("batch", cfg.batchSize());
        t.addProperty("seq", cfg.seqLen());
        t.addProperty("seed", cfg.seed());
        if (model.cell() == org.gpurnn.backend.CellType.LSTM) {
            t.addProperty("forget_bias", cfg.forgetBias());
        }
        t.addProperty("data", corpus.source());
        corpus.file().ifPresent(f -> t.addProperty("data_path", f.toString()));
        t.addProperty("val_batches", cfg.valBatches());
        t.addProperty("steps_planned", cfg.steps());
        t.addProperty("backend", be.describe());
        return new Snapshot(model, corpus.vocab(), net.getParams(), opt, net.getState(), t);
    }

    /** JSON has no NaN or infinity: an unknown loss is written as null. */
    private static void addFinite(JsonObject o, String key, float v) {
        if (Float.isFinite(v)) {
            o.addProperty(key, v);
        } else {
            o.add(key, com.google.gson.JsonNull.INSTANCE);
        }
    }

    private void logStart(long maxSteps) {
        log.info("model    {} | {} parameters", model.summary(), net.layout().size());
        log.info("data     {} | {} chars, vocab {} | train {} / val {} chars | {} batches per epoch",
                corpus.source(), corpus.length(), model.vocab(), corpus.trainLength(), corpus.valLength(),
                train.batchesPerEpoch());
        log.info(String.format(Locale.ROOT,
                "training B=%d T=%d | %s lr %.1e | clip %s | seed %d | stop: %s | out %s",
                cfg.batchSize(), cfg.seqLen(), cfg.optimizer().name().toLowerCase(Locale.ROOT), cfg.lr(),
                cfg.clip() > 0 ? Float.toString(cfg.clip()) : "off", cfg.seed(), stopText(maxSteps), cfg.outDir()));
        log.info("backend  {}", be.describe());
    }

    private String stopText(long maxSteps) {
        List<String> s = new ArrayList<>();
        if (maxSteps > 0) {
            s.add(maxSteps + (maxSteps == 1 ? " step" : " steps"));
        }
        if (cfg.minutes() > 0) {
            s.add(cfg.minutes() + " min");
        }
        return String.join(" or ", s);
    }

    static String human(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
