package org.gpurnn.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.gpurnn.backend.CellType;

/**
 * Where every parameter tensor lives in the one flat parameter vector. Keeping all parameters (and
 * so all gradients and optimizer state) contiguous lets the gradient norm and the optimizer update
 * run as one op over the whole vector.
 *
 * <pre>
 * layers.{l}.wx  (D_l, G*H)  input weights; for l = 0 a (V, G*H) table looked up by token id
 * layers.{l}.wh  (H, G*H)    recurrent weights
 * layers.{l}.b   (G*H)       gate biases
 * head.{k}.w     (H, H)      extra layers before the softmax, k in [0, headLayers)
 * head.{k}.b     (H)
 * out.w          (H, V)      output projection
 * out.b          (V)
 * </pre>
 */
public final class ParamLayout {

    /** One named tensor: {@code shape} elements starting at {@code offset} of the flat vector. */
    public record Entry(String name, long offset, int[] shape) {
        public long size() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final ModelConfig config;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private long total;

    public ParamLayout(ModelConfig config) {
        this.config = config;
        int H = config.hidden(), GH = config.gateWidth(), V = config.vocab();
        for (int l = 0; l < config.layers(); l++) {
            add("layers." + l + ".wx", config.inputWidth(l), GH);
            add("layers." + l + ".wh", H, GH);
            add("layers." + l + ".b", GH);
        }
        for (int k = 0; k < config.headLayers(); k++) {
            add("head." + k + ".w", H, H);
            add("head." + k + ".b", H);
        }
        add("out.w", H, V);
        add("out.b", V);
    }

    private void add(String name, int... shape) {
        Entry e = new Entry(name, total, shape);
        entries.put(name, e);
        total += e.size();
    }

    public ModelConfig config() {
        return config;
    }

    /** Number of parameters. */
    public long size() {
        return total;
    }

    public Entry get(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return e;
    }

    public long offset(String name) {
        return get(name).offset();
    }

    public List<Entry> entries() {
        return Collections.unmodifiableList(new ArrayList<>(entries.values()));
    }

    /**
     * Initial LSTM forget-gate bias. char-rnn and torch-rnn start it at 1; measured here on tiny
     * Shakespeare (2x256, B=32, T=64, Adam 2e-3), a bias of 1 leaves the model fragile from a zero
     * state: a few validation streams fall into a state they never leave (3.5 nats/char after 1000
     * steps), and PyTorch's LSTM does the same with that start. With 0 the LSTM validates as it trains.
     */
    public static final float LSTM_FORGET_BIAS = 0f;

    /**
     * Initial values, as char-rnn does: every weight uniform in [-0.08, 0.08], biases zero (the LSTM
     * forget-gate bias at {@link #LSTM_FORGET_BIAS}).
     */
    public float[] initialValues(long seed) {
        return initialValues(seed, LSTM_FORGET_BIAS);
    }

    /** {@link #initialValues(long)} with another starting LSTM forget-gate bias. */
    public float[] initialValues(long seed, float forgetBias) {
        float[] p = new float[Math.toIntExact(total)];
        SplittableRandom rng = new SplittableRandom(seed);
        for (Entry e : entries.values()) {
            boolean bias = e.shape().length == 1;
            int off = (int) e.offset();
            for (int k = 0; k < e.size(); k++) {
                p[off + k] = bias ? 0f : (float) (rng.nextDouble() * 0.16 - 0.08);
            }
        }
        if (config.cell() == CellType.LSTM) {
            int H = config.hidden();
            for (int l = 0; l < config.layers(); l++) {
                int off = (int) offset("layers." + l + ".b");
                for (int j = H; j < 2 * H; j++) {  // gate order i, f, o, g: block 1 is f
                    p[off + j] = forgetBias;
                }
            }
        }
        return p;
    }
}
