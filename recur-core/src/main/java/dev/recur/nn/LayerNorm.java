package dev.recur.nn;

import dev.recur.ConfigException;
import dev.recur.autodiff.Var;
import dev.recur.ops.Norm;
import dev.recur.tensor.Tensor;

/** Layer normalisation over the last dimension (PyTorch's {@code nn.LayerNorm(dim)}): weight ones, bias zeros. */
public final class LayerNorm extends UnaryModule {
    /** PyTorch's default epsilon. */
    public static final float DEFAULT_EPS = 1e-5f;
    private final float eps;
    private final Parameter weight, bias;

    /**
     * @param affine  whether there is a learned weight
     * @param bias    whether there is a learned bias (only with {@code affine})
     */
    public LayerNorm(int dim, float eps, boolean affine, boolean bias) {
        if (dim < 1) throw new ConfigException("LayerNorm: dimension must be >= 1, got " + dim);
        if (!(eps >= 0)) throw new ConfigException("LayerNorm: eps must be >= 0, got " + eps);
        this.eps = eps;
        this.weight = affine ? parameter("weight", Tensor.full(1f, dim)) : null;
        this.bias = affine && bias ? parameter("bias", Tensor.zeros(dim)) : null;
    }

    public LayerNorm(int dim) {
        this(dim, DEFAULT_EPS, true, true);
    }

    @Override
    public Var forward(Var x) {
        return Norm.layerNorm(x, weight, bias, eps);
    }
}
