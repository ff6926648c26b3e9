package org.gpurnn.data;

/**
 * Cuts a token sequence into B contiguous streams and serves T steps of every stream per batch, so that
 * batch k+1 continues each stream exactly where batch k stopped and a recurrent model can carry its hidden
 * state across batches (truncated backpropagation through time).
 *
 * <p>With stream length S = (data.length - 1) / B, stream b covers data[b*S .. b*S + S]: S inputs and,
 * shifted by one, S targets. An epoch is S / T batches; the last S % T positions of each stream (and the
 * (data.length - 1) % B positions at the end of the data) are not used.
 */
public final class BatchLoader {
    private final int[] data;
    private final int batchSize;
    private final int seqLen;
    /** Length S of every stream, in inputs. */
    private final int streamLen;
    private final int batchesPerEpoch;
    private long served;

    /**
     * @param data token ids; kept, not copied
     * @param batchSize B, the number of streams, at least 1
     * @param seqLen T, the steps per batch, at least 1
     * @throws IllegalArgumentException if B or T is below 1
     * @throws DataException if the data is too short for even one batch (fewer than B*T + 1 tokens)
     */
    public BatchLoader(int[] data, int batchSize, int seqLen) {
        if (batchSize < 1 || seqLen < 1) {
            throw new IllegalArgumentException("batch loader: need batch size >= 1 and sequence length >= 1, got "
                    + batchSize + " and " + seqLen);
        }
        // One batch reads B*T inputs plus the target after the last of them; long to avoid overflow.
        long needed = (long) batchSize * seqLen + 1;
        if (data.length < needed) {
            throw new DataException("the text has " + data.length + (data.length == 1 ? " character" : " characters") + ", too few for batches of "
                    + batchSize + " streams x " + seqLen + " steps: that needs at least " + batchSize + "*"
                    + seqLen + "+1 = " + needed + " characters; lower --batch or --seq, or use more text");
        }
        this.data = data;
        this.batchSize = batchSize;
        this.seqLen = seqLen;
        this.streamLen = (data.length - 1) / batchSize;
        this.batchesPerEpoch = streamLen / seqLen;
    }

    /** @return B, the number of streams */
    public int batchSize() {
        return batchSize;
    }

    /** @return T, the steps of every stream per batch */
    public int seqLen() {
        return seqLen;
    }

    /** @return the number of batches in one pass over the data, at least 1 */
    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /**
     * Serves the next batch. Both arrays are laid out time-major (T, B): element t*B + b is step t of stream
     * b. After {@link #batchesPerEpoch()} batches it starts over at the beginning of every stream.
     *
     * @param inputs receives inputs[t*B + b] = data[b*S + p + t], where p is this batch's offset in the streams
     * @param targets receives the next id of each input: data[b*S + p + t + 1]
     * @return true when this batch is the first of an epoch: the streams restart, so reset the hidden state
     * @throws IllegalArgumentException if an array is shorter than B*T
     */
    public boolean next(int[] inputs, int[] targets) {
        int n = batchSize * seqLen;
        if (inputs.length < n || targets.length < n) {
            throw new IllegalArgumentException("batch loader: arrays need " + n + " elements, got inputs "
                    + inputs.length + " and targets " + targets.length);
        }
        int k = (int) (served % batchesPerEpoch);
        int p = k * seqLen;
        for (int b = 0; b < batchSize; b++) {
            int base = b * streamLen + p;
            for (int t = 0; t < seqLen; t++) {
                inputs[t * batchSize + b] = data[base + t];
                targets[t * batchSize + b] = data[base + t + 1];
            }
        }
        served++;
        return k == 0;
    }

    /** @return the number of completed epochs, 0 until a whole epoch has been served */
    public int epoch() {
        return (int) (served / batchesPerEpoch);
    }

    /** @return the number of batches served since the start (or set by {@link #seek}) */
    public long batchesServed() {
        return served;
    }

    /** @return epochs served as a fraction, such as 2.41 */
    public double epochProgress() {
        return (double) served / batchesPerEpoch;
    }

    /**
     * Restores the position, for resuming from a checkpoint: the next batch is the one that would follow
     * {@code batchesServed} batches from the start.
     *
     * @param batchesServed batches already served, at least 0
     * @throws IllegalArgumentException if negative
     */
    public void seek(long batchesServed) {
        if (batchesServed < 0) {
            throw new IllegalArgumentException("batch loader: cannot seek to " + batchesServed + " batches");
        }
        this.served = batchesServed;
    }
}
