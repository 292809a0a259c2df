package dev.recur.layer;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

/**
 * The output contract of {@link SequenceLayer#forward}: time steps of a time-major sequence
 * (T, B, ...) past each sequence's length are zero. Layers whose last op could leave them nonzero
 * (a bias, a gate) finish with {@link #apply}; its backward passes the gradient of the kept steps
 * only.
 */
public final class LengthMask {
    private LengthMask() {}

    /** {@code x} with the steps past each length zeroed; {@code x} itself when nothing is masked. */
    public static Var apply(Var x, Lengths lengths) {
        if (lengths == null) return x;
        Tensor v = x.value();
        if (v.rank() < 2) throw new ShapeException("length mask needs a (T, B, ...) tensor, found " + Shapes.toString(v.shape()));
        int T = v.dim(0), B = v.dim(1);
        lengths.check(B, T);
        boolean any = false;
        for (int b = 0; b < B; b++) any |= lengths.get(b) < T;
        if (!any) return x;
        Tensor out = v.copy();
        int row = out.numel() / Math.max(1, T * B);
        zeroPast(out, lengths, T, B, row);
        return new Node(x) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor d = g[0].copy();
                zeroPast(d, lengths, T, B, row);
                Tensor gx = gradOf(0);
                float[] a = gx.data(), s = d.data();
                int off = gx.offset(), n = d.numel();
                for (int i = 0; i < n; i++) a[off + i] += s[i];
            }
        }.output(out);
    }

    private static void zeroPast(Tensor contiguous, Lengths lengths, int T, int B, int row) {
        float[] a = contiguous.data();
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                if (t >= lengths.get(b)) java.util.Arrays.fill(a, (t * B + b) * row, (t * B + b + 1) * row, 0f);
            }
        }
    }
}
