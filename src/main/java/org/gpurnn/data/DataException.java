package org.gpurnn.data;

/**
 * Bad input text or data. The message is meant for the user as is: it says what was wrong and what to do
 * about it, so callers print it without a stack trace.
 */
public final class DataException extends RuntimeException {
    /**
     * @param msg the user-facing explanation
     */
    public DataException(String msg) {
        super(msg);
    }

    /**
     * @param msg the user-facing explanation
     * @param cause the underlying failure, kept for debugging
     */
    DataException(String msg, Throwable cause) {
        super(msg, cause);
    }
}
