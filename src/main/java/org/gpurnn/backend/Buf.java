package org.gpurnn.backend;

/** A float buffer owned by a {@link Backend}; only that backend can read or write it. */
public interface Buf {

    /** Number of float elements. */
    long size();
}
