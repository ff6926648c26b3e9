package org.gpurnn.backend;

/** Parameter update rules; all of them first clip the gradient by its global L2 norm. */
public enum Optimizer {
    /** p -= lr * g */
    SGD(0),
    /** s1 += g^2; p -= lr * g / (sqrt(s1) + eps)   (as min-char-rnn) */
    ADAGRAD(1),
    /** Adam (Kingma and Ba 2015) with bias correction; s1 = m, s2 = v */
    ADAM(2);

    /** How many state tensors the same size as the parameters it keeps. */
    public final int stateTensors;

    Optimizer(int stateTensors) {
        this.stateTensors = stateTensors;
    }

    /** adam, sgd or adagrad in any case; null for anything else. */
    public static Optimizer parse(String name) {
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "adam" -> ADAM;
            case "sgd" -> SGD;
            case "adagrad" -> ADAGRAD;
            default -> null;
        };
    }
}
