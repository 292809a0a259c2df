package dev.recur.ops;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Backends;
import dev.recur.tensor.Tensor;

/** Reductions to a scalar. */
public final class Reduce {
    private Reduce() {}

    /** The sum of all elements, as a one-element tensor of shape []. */
    public static Var sum(Var a) {
        Tensor av = a.value().contiguous();
        float s = Backends.active().reductions().sum(av.data(), av.offset(), av.numel());
        return new Node(a) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor da = gradOf(0);
                if (da == null) return;
                float d = g[0].item();
                float[] arr = da.data();
                for (int i = 0, n = da.numel(); i < n; i++) arr[da.offset() + i] += d;
            }
        }.output(Tensor.scalar(s));
    }
}
