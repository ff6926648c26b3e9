package org.gpurnn.backend;

/**
 * Forward buffers of one recurrent layer over T steps, G gate blocks of width H (see {@link CellType}).
 *
 * @param xp  (T, B, G*H) input projections, bias included: x_t · Wx + b
 * @param hp  (T, B, G*H) recurrent projections h_{t-1} · Wh
 * @param h   (T+1, B, H) hidden states; h[0] is the state carried in from the previous batch
 * @param c   (T+1, B, H) LSTM cell states, c[0] carried in; null for the other cells
 * @param act (T, B, G*H) gate activations after their nonlinearity, kept for the backward pass
 */
public record CellBuffers(Buf xp, Buf hp, Buf h, Buf c, Buf act) {
}
