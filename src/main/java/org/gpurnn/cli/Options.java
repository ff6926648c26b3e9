package org.gpurnn.cli;

/** Range checks for numeric options: a value out of range is an error, never silently clamped. */
final class Options {

    private Options() {
    }

    static void positive(String name, long v) {
        if (v < 1) {
            throw new Main.UserException(name + " must be >= 1, got " + v);
        }
    }

    static void range(String name, long v, long lo, long hi) {
        if (v < lo || v > hi) {
            throw new Main.UserException(name + " must be in [" + lo + ", " + hi + "], got " + v);
        }
    }

    static void nonNegative(String name, long v) {
        if (v < 0) {
            throw new Main.UserException(name + " must be >= 0, got " + v);
        }
    }
}
