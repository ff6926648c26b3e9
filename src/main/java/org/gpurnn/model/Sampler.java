package org.gpurnn.model;

import java.util.SplittableRandom;
import java.util.function.IntConsumer;

import org.gpurnn.backend.Backend;
import org.gpurnn.data.DataException;
import org.gpurnn.data.Vocab;

/**
 * Generates text from a trained model, one symbol at a time: a forward step with B = T = 1 on the
 * backend, the V logits downloaded, and the next symbol drawn on the host from
 * softmax(logits / temperature), or taken greedily (the arg max) when the temperature is 0.
 */
public final class Sampler implements AutoCloseable {

    private final Network net;
    private final Vocab vocab;
    private final float[] logits;
    private final int[] one = new int[1];

    public Sampler(Backend backend, Snapshot snap) {
        this.net = new Network(backend, snap.config(), 1, 1);
        this.vocab = snap.vocab();
        this.logits = new float[snap.config().vocab()];
        net.setParams(snap.params());
        net.resetState();
    }

    /** Feeds one symbol id and leaves its next-symbol logits in {@link #logits}. */
    private void feed(int id) {
        one[0] = id;
        net.setBatch(one, null);
        net.forward(false, 0, -1);
        net.carryState();
        net.backend().download(net.logits(), 0, logits, 0, logits.length);
    }

    /**
     * Feeds {@code prime} (or, when it is empty, a newline if the vocabulary has one, else its first
     * symbol), then emits {@code length} symbols to {@code out} as code points.
     */
    public void generate(String prime, int length, float temperature, long seed, IntConsumer out) {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        int[] start;
        if (prime == null || prime.isEmpty()) {
            int nl = vocab.id('\n');
            start = new int[] {nl >= 0 ? nl : 0};
        } else {
            try {
                start = vocab.encode(prime);
            } catch (DataException e) {
                throw new DataException("--prime: " + e.getMessage());
            }
        }
        for (int id : start) {
            feed(id);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int k = 0; k < length; k++) {
            int next = temperature == 0 ? argmax(logits) : draw(logits, temperature, rng);
            out.accept(vocab.symbol(next));
            feed(next);
        }
    }

    static int argmax(float[] z) {
        int best = 0;
        for (int v = 1; v < z.length; v++) {
            if (z[v] > z[best]) {
                best = v;
            }
        }
        return best;
    }

    static int draw(float[] z, float temperature, SplittableRandom rng) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v);
        }
        double[] p = new double[z.length];
        double sum = 0;
        for (int v = 0; v < z.length; v++) {
            p[v] = Math.exp((z[v] - max) / temperature);
            sum += p[v];
        }
        double u = rng.nextDouble() * sum;
        for (int v = 0; v < z.length; v++) {
            u -= p[v];
            if (u < 0) {
                return v;
            }
        }
        return z.length - 1;
    }

    @Override
    public void close() {
        net.close();
    }
}
