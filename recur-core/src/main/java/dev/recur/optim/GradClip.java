package dev.recur.optim;

import dev.recur.autodiff.Var;
import dev.recur.tensor.Tensor;

/** Gradient clipping with PyTorch's semantics ({@code torch.nn.utils.clip_grad_norm_}, {@code clip_grad_value_}). */
public final class GradClip {
    private GradClip() {}

    /** The L2 norm of all gradients together (variables without a gradient count as zero), accumulated in double. */
    public static double globalNorm(Iterable<? extends Var> params) {
        double ss = 0;
        for (Var p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            float[] d = g.data();
            for (int i = 0, n = g.numel(), off = g.offset(); i < n; i++) ss += (double) d[off + i] * d[off + i];
        }
        return Math.sqrt(ss);
    }

    /**
     * Scales all gradients by {@code maxNorm / (norm + 1e-6)} when that is below 1 and returns the
     * norm before clipping. As in PyTorch, a NaN or infinite norm propagates into the gradients
     * (the optimizer step then spoils the weights); use the overload with {@code errorIfNonfinite}
     * to stop instead.
     */
    public static double clipGlobalNorm(Iterable<? extends Var> params, double maxNorm) {
        return clipGlobalNorm(params, maxNorm, false);
    }

    public static double clipGlobalNorm(Iterable<? extends Var> params, double maxNorm, boolean errorIfNonfinite) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("max norm must be > 0, got " + maxNorm);
        double norm = globalNorm(params);
        if (errorIfNonfinite && !Double.isFinite(norm)) {
            throw new NonFiniteGradientException("the total norm of the gradients is " + norm
                    + "; the run has diverged (lower the learning rate or check the data)");
        }
        double coef = maxNorm / (norm + 1e-6);
        if (!(coef >= 1)) scale(params, (float) coef); // NaN scales too, as PyTorch's clamp(max=1) keeps NaN
        return norm;
    }

    /** Clamps every gradient element into {@code [-clip, clip]}. */
    public static void clipValue(Iterable<? extends Var> params, float clip) {
        if (!(clip >= 0)) throw new IllegalArgumentException("clip value must be >= 0, got " + clip);
        for (Var p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            float[] d = g.data();
            for (int i = 0, n = g.numel(), off = g.offset(); i < n; i++) d[off + i] = Math.max(-clip, Math.min(clip, d[off + i]));
        }
    }

    private static void scale(Iterable<? extends Var> params, float c) {
        for (Var p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            float[] d = g.data();
            for (int i = 0, n = g.numel(), off = g.offset(); i < n; i++) d[off + i] *= c;
        }
    }
}
