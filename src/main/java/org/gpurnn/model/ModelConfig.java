package org.gpurnn.model;

import org.gpurnn.backend.CellType;

/**
 * The shape of a model: what a checkpoint must match to be loaded.
 *
 * @param cell       recurrent cell of every layer
 * @param vocab      V, number of symbols
 * @param hidden     H, width of every layer's state
 * @param layers     L, stacked recurrent layers
 * @param headLayers extra tanh(W·x + b) layers of width H between the top cell and the softmax
 * @param dropout    inverted-dropout probability after every recurrent layer (training only)
 */
public record ModelConfig(CellType cell, int vocab, int hidden, int layers, int headLayers, float dropout) {

    /** Largest accepted sizes: far beyond what trains in reasonable time, small enough to index with int. */
    public static final int MAX_VOCAB = 1 << 20, MAX_HIDDEN = 1 << 15, MAX_LAYERS = 64, MAX_HEAD_LAYERS = 64;

    public ModelConfig {
        if (cell == null) {
            throw new IllegalArgumentException("model: cell is required");
        }
        requireRange("vocab size", vocab, 1, MAX_VOCAB);
        requireRange("hidden size", hidden, 1, MAX_HIDDEN);
        requireRange("layers", layers, 1, MAX_LAYERS);
        requireRange("head layers", headLayers, 0, MAX_HEAD_LAYERS);
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("model: dropout must be in [0, 1), got " + dropout);
        }
    }

    private static void requireRange(String what, int v, int lo, int hi) {
        if (v < lo || v > hi) {
            throw new IllegalArgumentException("model: " + what + " must be in [" + lo + ", " + hi + "], got " + v);
        }
    }

    /** G*H: width of one layer's gate projections. */
    public int gateWidth() {
        return cell.gates * hidden;
    }

    /** D of layer l: its input width (V for the first layer, whose input is one-hot). */
    public int inputWidth(int layer) {
        return layer == 0 ? vocab : hidden;
    }

    /** One line for logs, e.g. {@code lstm 2x256, V=65, dropout 0.0}. */
    public String summary() {
        return cell.id() + " " + layers + "x" + hidden + ", V=" + vocab
                + (headLayers > 0 ? ", head " + headLayers : "") + ", dropout " + dropout;
    }
}
