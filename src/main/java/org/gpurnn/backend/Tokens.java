package org.gpurnn.backend;

/**
 * Token ids of one batch, held by a backend ({@link Backend#allocTokens}). Besides the ids it keeps,
 * for the scatter-add, the rows grouped by id: {@code order} lists row numbers sorted by id (stable),
 * and the rows with id v are {@code order[segStart[v] .. segStart[v+1])}.
 */
public abstract class Tokens {
    /** Number of ids. */
    public final int n;
    /** Ids are in [0, vocab). */
    public final int vocab;
    /** Host copy of the ids last set. */
    protected final int[] ids;
    /** Host copy of the grouping: rows sorted by id, stable. */
    protected final int[] order;
    /** Host copy of the grouping: (vocab + 1) segment starts into {@link #order}. */
    protected final int[] segStart;

    protected Tokens(int n, int vocab) {
        if (n < 1 || vocab < 1) {
            throw new IllegalArgumentException("tokens: need n >= 1 and vocab >= 1, got n=" + n + " vocab=" + vocab);
        }
        this.n = n;
        this.vocab = vocab;
        this.ids = new int[n];
        this.order = new int[n];
        this.segStart = new int[vocab + 1];
    }

    /** Copies {@code src} in and recomputes the grouping by a counting sort; checks every id. */
    public void setHost(int[] src) {
        if (src.length < n) {
            throw new IllegalArgumentException("tokens: expected " + n + " ids, got " + src.length);
        }
        java.util.Arrays.fill(segStart, 0);
        for (int r = 0; r < n; r++) {
            int v = src[r];
            if (v < 0 || v >= vocab) {
                throw new IllegalArgumentException("tokens: id " + v + " at row " + r + " is outside [0, " + vocab + ")");
            }
            ids[r] = v;
            segStart[v + 1]++;
        }
        for (int v = 0; v < vocab; v++) {
            segStart[v + 1] += segStart[v];
        }
        int[] next = java.util.Arrays.copyOf(segStart, vocab);
        for (int r = 0; r < n; r++) {
            order[next[ids[r]]++] = r;
        }
    }

    /** Host copy of the ids (do not modify). */
    public int[] ids() {
        return ids;
    }

    /** Host copy of the rows sorted by id (do not modify). */
    public int[] order() {
        return order;
    }

    /** Host copy of the segment starts, vocab + 1 of them (do not modify). */
    public int[] segStart() {
        return segStart;
    }
}
