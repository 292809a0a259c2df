package dev.recur.nn;

import dev.recur.ConfigException;
import dev.recur.autodiff.Var;
import dev.recur.ops.Norm;
import dev.recur.tensor.Tensor;

/**
 * RMS normalisation over the last dimension with a learned weight (ones at start), as PyTorch's
 * {@code nn.RMSNorm(dim)}; its default epsilon is float32's machine epsilon.
 */
public final class RmsNorm extends UnaryModule {
    /** PyTorch's default when eps is None: {@code torch.finfo(torch.float32).eps}. */
    public static final float DEFAULT_EPS = Math.ulp(1f);
    private final float eps;
    private final Parameter weight;

    public RmsNorm(int dim, float eps, boolean affine) {
        if (dim < 1) throw new ConfigException("RmsNorm: dimension must be >= 1, got " + dim);
        if (!(eps >= 0)) throw new ConfigException("RmsNorm: eps must be >= 0, got " + eps);
        this.eps = eps;
        this.weight = affine ? parameter("weight", Tensor.full(1f, dim)) : null;
    }

    public RmsNorm(int dim) {
        this(dim, DEFAULT_EPS, true);
    }

    @Override
    public Var forward(Var x) {
        return Norm.rmsNorm(x, weight, eps);
    }
}
