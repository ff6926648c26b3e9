package org.gpurnn.backend;

/**
 * Backward buffers of one recurrent layer over T steps.
 *
 * @param dhOut (T, B, H) dL/dh[t+1] from above (the output projection or the next layer)
 * @param dh    (B, H) carry: on entry to step t, dL/dh[t+1] from step t+1; see {@link Backend#cellBackward}
 * @param dc    (B, H) carry of dL/dc for the LSTM; null for the other cells
 * @param dxp   (T, B, G*H) dL/dxp, written by the backward step
 * @param dhp   (T, B, G*H) dL/dhp, written by the backward step
 */
public record CellGrads(Buf dhOut, Buf dh, Buf dc, Buf dxp, Buf dhp) {
}
