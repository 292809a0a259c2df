package dev.recur.pararnn;

/** The scalar activations of the built-in cells, in float32 through double exp (accurate to an ulp or two). */
final class CellMath {
    private CellMath() {}

    static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }

    static float tanh(float x) {
        // 1 - 2/(e^{2x}+1): one exp, no cancellation at large |x|; near 0 the absolute error is an ulp of 1.
        if (x > 20) return 1f;
        if (x < -20) return -1f;
        double e = Math.exp(2.0 * x);
        return (float) ((e - 1) / (e + 1));
    }
}
