package org.gpurnn.backend;

/**
 * Hyper-parameters of one update.
 *
 * @param lr    learning rate
 * @param beta1 Adam's first-moment decay
 * @param beta2 Adam's second-moment decay
 * @param eps   added to the denominator (Adam, Adagrad)
 * @param step  1-based update count, for Adam's bias correction
 */
public record OptimizerArgs(float lr, float beta1, float beta2, float eps, int step) {

    /** 1 - beta1^step, computed in double and rounded once, so both backends use the same float. */
    public float biasCorrection1() {
        return (float) (1.0 - Math.pow(beta1, step));
    }

    /** 1 - beta2^step. */
    public float biasCorrection2() {
        return (float) (1.0 - Math.pow(beta2, step));
    }
}
