package org.gpurnn.io;

/**
 * A checkpoint could not be read or written. The message is meant for the user as is: what went wrong,
 * with which file, and usually a last line starting with {@code HINT:} that says what to do.
 */
public final class CheckpointException extends RuntimeException {
    /**
     * @param msg the user-facing explanation
     */
    public CheckpointException(String msg) {
        super(msg);
    }

    /**
     * @param msg the user-facing explanation
     * @param cause the underlying failure, kept for debugging
     */
    public CheckpointException(String msg, Throwable cause) {
        super(msg, cause);
    }
}
