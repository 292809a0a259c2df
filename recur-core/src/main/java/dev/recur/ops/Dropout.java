package dev.recur.ops;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

/**
 * Inverted dropout: each element is kept with probability {@code 1 - p} and scaled by
 * {@code 1 / (1 - p)}, so that evaluation needs no rescaling. The mask is drawn from the caller's
 * {@link Rng}, one uniform float per element in row-major order, so a restored generator state
 * reproduces the same masks.
 */
public final class Dropout {
    private Dropout() {}

    /** Applies dropout with drop probability {@code p} in [0, 1]; {@code p = 0} returns {@code x} itself. */
    public static Var dropout(Var x, float p, Rng rng) {
        if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        if (p == 0f) return x;
        Tensor xv = x.value().contiguous();
        int n = xv.numel();
        float keep = p == 1f ? 0f : 1f / (1f - p);
        float[] mask = new float[n];
        for (int i = 0; i < n; i++) mask[i] = rng.nextFloat() >= p ? keep : 0f;
        Tensor out = Tensor.zeros(xv.shape());
        float[] xs = xv.data(), o = out.data();
        int xo = xv.offset();
        for (int i = 0; i < n; i++) o[i] = xs[xo + i] * mask[i];
        return new Node(x) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dx = gradOf(0), dy = g[0].contiguous();
                float[] d = dx.data(), gy = dy.data();
                int dOff = dx.offset(), gOff = dy.offset();
                for (int i = 0; i < n; i++) d[dOff + i] += gy[gOff + i] * mask[i];
            }
        }.output(out);
    }
}
