package org.gpurnn.model;

import java.nio.file.Path;

import org.gpurnn.backend.Optimizer;

/**
 * Everything a training run needs besides the model shape and the data.
 *
 * @param batchSize   B, parallel streams
 * @param seqLen      T, steps unrolled per batch (truncated BPTT)
 * @param lr          learning rate
 * @param clip        global gradient-norm clip; 0 turns clipping off
 * @param optimizer   update rule
 * @param seed        initialisation and dropout seed
 * @param steps       stop after this many updates; 0 = no step limit
 * @param epochs      stop after this many passes over the training split; 0 = no epoch limit
 * @param minutes     stop after this much wall time; 0 = no time limit
 * @param logEvery    a train log line every this many steps
 * @param evalEvery   a validation pass (and checkpoint) every this many steps; 0 = only at the end
 * @param valBatches  batches of the validation split per evaluation; 0 = all of it
 * @param outDir      where checkpoints go
 * @param forgetBias  starting bias of the LSTM's forget gate (other cells ignore it)
 * @param eps         added to the denominator of Adam and Adagrad ({@link #EPS} for training)
 */
public record TrainConfig(int batchSize, int seqLen, float lr, float clip, Optimizer optimizer, long seed,
                          long steps, int epochs, double minutes, int logEvery, int evalEvery, int valBatches,
                          Path outDir, float forgetBias, float eps) {

    /** A configuration with the default LSTM forget-gate bias and {@link #EPS}. */
    public TrainConfig(int batchSize, int seqLen, float lr, float clip, Optimizer optimizer, long seed,
                       long steps, int epochs, double minutes, int logEvery, int evalEvery, int valBatches,
                       Path outDir) {
        this(batchSize, seqLen, lr, clip, optimizer, seed, steps, epochs, minutes, logEvery, evalEvery, valBatches,
                outDir, ParamLayout.LSTM_FORGET_BIAS, EPS);
    }

    public static final float ADAM_BETA1 = 0.9f;
    public static final float ADAM_BETA2 = 0.999f;
    /** Added to the denominator of Adam and Adagrad. */
    public static final float EPS = 1e-8f;

    public TrainConfig {
        if (batchSize < 1 || seqLen < 1) {
            throw new IllegalArgumentException("batch size and sequence length must be >= 1");
        }
        if (!(lr > 0) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
        }
        if (!(clip >= 0) || Float.isInfinite(clip)) {
            throw new IllegalArgumentException("clip must be >= 0 (0 turns clipping off), got " + clip);
        }
        if (steps < 0 || epochs < 0 || !(minutes >= 0)) {
            throw new IllegalArgumentException("steps, epochs and minutes must be >= 0");
        }
        if (logEvery < 1 || evalEvery < 0 || valBatches < 0) {
            throw new IllegalArgumentException("log-every must be >= 1; eval-every and val-batches >= 0");
        }
        if (!(eps > 0) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be a positive number, got " + eps);
        }
        if (!Float.isFinite(forgetBias)) {
            throw new IllegalArgumentException("forget-gate bias must be a finite number, got " + forgetBias);
        }
    }
}
