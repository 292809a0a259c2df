package dev.recur.kernel;

/**
 * Elementwise functions over {@code n} contiguous floats: {@code y[i] = f(x[i])}, and their
 * backward forms {@code dx[i] += dy[i] * f'(...)} which accumulate like every gradient kernel.
 * Input and output may be the same region (in place). NaN propagates; ±Inf gives the mathematical
 * limit. The scalar backend computes in double and rounds once; the vector backend uses polynomial
 * approximations whose measured maximum errors are stated in docs/DESIGN.md ("Kernel accuracy").
 */
public interface Activations {
    void exp(float[] x, int xOff, float[] y, int yOff, int n);

    void sigmoid(float[] x, int xOff, float[] y, int yOff, int n);

    void tanh(float[] x, int xOff, float[] y, int yOff, int n);

    /** log(1 + exp(x)), computed without overflow. */
    void softplus(float[] x, int xOff, float[] y, int yOff, int n);

    /** log(sigmoid(x)) = -softplus(-x): the log-space gate of GLA, mLSTM and sLSTM. */
    void logSigmoid(float[] x, int xOff, float[] y, int yOff, int n);

    /** x * sigmoid(x). */
    void silu(float[] x, int xOff, float[] y, int yOff, int n);

    /** The exact (erf) GELU, PyTorch's default: x * Phi(x). */
    void gelu(float[] x, int xOff, float[] y, int yOff, int n);

    /** max(x, 0); NaN stays NaN. */
    void relu(float[] x, int xOff, float[] y, int yOff, int n);

    /** dx[i] += dy[i] * y[i] * (1 - y[i]), from the forward output y = sigmoid(x). */
    void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** dx[i] += dy[i] * (1 - y[i]^2), from the forward output y = tanh(x). */
    void tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** dx[i] += dy[i] * sigmoid(x[i]), the derivative of softplus. */
    void softplusBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** dx[i] += dy[i] * d silu(x)/dx at x[i]. */
    void siluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** dx[i] += dy[i] * d gelu(x)/dx at x[i]. */
    void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** dx[i] += dy[i] where x[i] > 0. */
    void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);
}
