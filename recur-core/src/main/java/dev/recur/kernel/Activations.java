package dev.recur.kernel;

/**
 * Elementwise transcendental functions over {@code n} contiguous floats: {@code y[i] = f(x[i])}.
 * Input and output may be the same region (in place). The vector backend uses polynomial
 * approximations; their measured maximum errors are stated in docs/DESIGN.md ("Kernel accuracy").
 */
public interface Activations {
    void exp(float[] x, int xOff, float[] y, int yOff, int n);

    void sigmoid(float[] x, int xOff, float[] y, int yOff, int n);

    void tanh(float[] x, int xOff, float[] y, int yOff, int n);

    /** log(1 + exp(x)), computed without overflow. */
    void softplus(float[] x, int xOff, float[] y, int yOff, int n);

    /** x * sigmoid(x). */
    void silu(float[] x, int xOff, float[] y, int yOff, int n);

    /** The exact (erf) GELU, PyTorch's default: x * Phi(x). */
    void gelu(float[] x, int xOff, float[] y, int yOff, int n);

    /** dx[i] += dy[i] * d silu(x)/dx at x[i]. */
    void siluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** dx[i] += dy[i] * d gelu(x)/dx at x[i]. */
    void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);
}
