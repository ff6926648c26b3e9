package org.gpurnn.backend;

import java.util.Locale;

/**
 * The recurrent cells. Every cell computes, per step, pre-activations from two projections that are
 * matrix products done elsewhere: {@code xp = x_t · Wx + b} (for all T steps at once) and
 * {@code hp = h_{t-1} · Wh} (one step at a time). Both are (B, G*H) with G gate blocks of width H,
 * block k in columns [k*H, (k+1)*H). σ is the logistic sigmoid.
 *
 * <pre>
 * RNN   G=1  h = tanh(xp + hp)
 * LSTM  G=4  i,f,o = σ(xp + hp) blocks 0..2, g = tanh(xp + hp) block 3,
 *            c = f*c_prev + i*g,  h = o*tanh(c)
 * GRU   G=3  r = σ(xp_r + hp_r), z = σ(xp_z + hp_z), n = tanh(xp_n + r*hp_n),
 *            h = (1-z)*n + z*h_prev
 * MGU   G=2  f = σ(xp_f + hp_f), n = tanh(xp_n + f*hp_n),
 *            h = (1-f)*h_prev + f*n
 * </pre>
 *
 * Conventions. GRU: Cho et al. (2014) with z on the h_prev side of the interpolation (as PyTorch and
 * cuDNN), and the reset applied to the recurrent product after the matmul, r*(h_prev·Wh_n), rather
 * than before it, (r*h_prev)·Wh_n: this keeps one recurrent matmul per step. MGU: Zhou et al. (2016),
 * its single forget gate f both resets (the same after-the-matmul form as the GRU) and interpolates,
 * with f on the new-candidate side as in the paper. LSTM: gate order i, f, o, g. The activations kept for backward ({@code act}) are the gate values in the same order
 * (RNN: h itself; LSTM: i, f, o, g; GRU: r, z, n; MGU: f, n).
 */
public enum CellType {
    RNN(1),
    LSTM(4),
    GRU(3),
    MGU(2);

    /** Number of gate blocks of width H in the projections. */
    public final int gates;

    CellType(int gates) {
        this.gates = gates;
    }

    /** Whether the cell carries a cell state c besides h. */
    public boolean hasCellState() {
        return this == LSTM;
    }

    /** K, the state tensors carried per layer: 2 with a cell state (h, c), else 1 (h). */
    public int statesPerLayer() {
        return hasCellState() ? 2 : 1;
    }

    /** Lower-case name as used on the command line and in checkpoints. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code rnn|lstm|gru|mgu}, case-insensitively. */
    public static CellType parse(String s) {
        for (CellType c : values()) {
            if (c.id().equalsIgnoreCase(s.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown cell '" + s + "': expected one of rnn, gru, mgu, lstm");
    }
}
