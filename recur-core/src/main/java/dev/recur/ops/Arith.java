package dev.recur.ops;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

/** Elementwise arithmetic on same-shape tensors. */
public final class Arith {
    private Arith() {}

    public static Var add(Var a, Var b) {
        Tensor av = a.value().contiguous(), bv = b.value().contiguous();
        requireSameShape("add", av, bv);
        Tensor out = Tensor.zeros(av.shape());
        float[] x = av.data(), y = bv.data(), o = out.data();
        int xo = av.offset(), yo = bv.offset(), n = out.numel();
        for (int i = 0; i < n; i++) o[i] = x[xo + i] + y[yo + i];
        return new Node(a, b) {
            @Override
            protected void backward(Tensor[] g) {
                accumulate(gradOf(0), g[0], 1f);
                accumulate(gradOf(1), g[0], 1f);
            }
        }.output(out);
    }

    public static Var mul(Var a, Var b) {
        Tensor av = a.value().contiguous(), bv = b.value().contiguous();
        requireSameShape("mul", av, bv);
        Tensor out = Tensor.zeros(av.shape());
        float[] x = av.data(), y = bv.data(), o = out.data();
        int xo = av.offset(), yo = bv.offset(), n = out.numel();
        for (int i = 0; i < n; i++) o[i] = x[xo + i] * y[yo + i];
        return new Node(a, b) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dy = g[0].contiguous();
                float[] d = dy.data();
                int dOff = dy.offset();
                Tensor da = gradOf(0), db = gradOf(1);
                if (da != null) for (int i = 0; i < n; i++) da.data()[da.offset() + i] += d[dOff + i] * y[yo + i];
                if (db != null) for (int i = 0; i < n; i++) db.data()[db.offset() + i] += d[dOff + i] * x[xo + i];
            }
        }.output(out);
    }

    /** {@code dst += alpha * src} over same-shape tensors; a null {@code dst} is skipped. */
    public static void accumulate(Tensor dst, Tensor src, float alpha) {
        if (dst == null) return;
        Tensor s = src.contiguous();
        float[] d = dst.data(), v = s.data();
        int n = dst.numel(), dOff = dst.offset(), sOff = s.offset();
        for (int i = 0; i < n; i++) d[dOff + i] += alpha * v[sOff + i];
    }

    static void requireSameShape(String op, Tensor a, Tensor b) {
        if (!a.sameShape(b)) {
            throw new ShapeException(op + ": operands differ in shape: " + Shapes.toString(a.shape()) + " and " + Shapes.toString(b.shape()));
        }
    }
}
