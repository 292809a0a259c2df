package dev.recur.ops;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Backends;
import dev.recur.kernel.Gemm;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

/** Matrix products on the active backend's GEMM, with their backward as two more GEMMs. */
public final class MatMul {
    private MatMul() {}

    /**
     * {@code a (..., k) @ b (k, n) -> (..., n)}: the leading dimensions of {@code a} are flattened
     * into rows, so a (T, B, k) sequence times a weight is one GEMM.
     */
    public static Var matmul(Var a, Var b) {
        Tensor av = a.value().contiguous(), bv = b.value().contiguous();
        if (bv.rank() != 2) throw new ShapeException("matmul: right operand must be 2-D, found " + Shapes.toString(bv.shape()));
        int k = bv.dim(0), n = bv.dim(1);
        if (av.rank() < 1 || av.dim(-1) != k) {
            throw new ShapeException("matmul: inner dimensions differ: " + Shapes.toString(av.shape()) + " @ " + Shapes.toString(bv.shape()));
        }
        int m = rowsOf(av);
        int[] outShape = av.shape();
        outShape[outShape.length - 1] = n;
        Tensor out = Tensor.zeros(outShape);
        gemm().sgemm(false, false, m, n, k, 1f, av.data(), av.offset(), k, bv.data(), bv.offset(), n,
                0f, out.data(), 0, n);
        final int rows = m;
        return new Node(a, b) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dy = g[0].contiguous();
                Tensor da = gradOf(0), db = gradOf(1);
                if (da != null) { // dA += dY B^T
                    gemm().sgemm(false, true, rows, k, n, 1f, dy.data(), dy.offset(), n, bv.data(), bv.offset(), n,
                            1f, da.data(), da.offset(), k);
                }
                if (db != null) { // dB += A^T dY
                    gemm().sgemm(true, false, k, n, rows, 1f, av.data(), av.offset(), k, dy.data(), dy.offset(), n,
                            1f, db.data(), db.offset(), n);
                }
            }
        }.output(out);
    }

    /**
     * PyTorch's linear: {@code y = x W^T + bias} with {@code x (..., in)}, {@code weight (out, in)},
     * {@code bias (out)} or null.
     */
    public static Var linear(Var x, Var weight, Var bias) {
        Tensor xv = x.value().contiguous(), wv = weight.value().contiguous();
        if (wv.rank() != 2) throw new ShapeException("linear: weight must be 2-D (out, in), found " + Shapes.toString(wv.shape()));
        int out = wv.dim(0), in = wv.dim(1);
        if (xv.rank() < 1 || xv.dim(-1) != in) {
            throw new ShapeException("linear: input's last dimension must be " + in + ", found shape " + Shapes.toString(xv.shape()));
        }
        if (bias != null) Shapes.check("linear: bias", bias.value().shape(), out);
        int rows = rowsOf(xv);
        int[] outShape = xv.shape();
        outShape[outShape.length - 1] = out;
        Tensor y = Tensor.zeros(outShape);
        if (bias != null) {
            Tensor bv = bias.value().contiguous();
            for (int r = 0; r < rows; r++) System.arraycopy(bv.data(), bv.offset(), y.data(), r * out, out);
        }
        gemm().sgemm(false, true, rows, out, in, 1f, xv.data(), xv.offset(), in, wv.data(), wv.offset(), in,
                bias != null ? 1f : 0f, y.data(), 0, out);
        Var[] inputs = bias != null ? new Var[] {x, weight, bias} : new Var[] {x, weight};
        return new Node(inputs) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dy = g[0].contiguous();
                Tensor dx = gradOf(0), dw = gradOf(1), db = bias != null ? gradOf(2) : null;
                if (dx != null) { // dX += dY W
                    gemm().sgemm(false, false, rows, in, out, 1f, dy.data(), dy.offset(), out, wv.data(), wv.offset(), in,
                            1f, dx.data(), dx.offset(), in);
                }
                if (dw != null) { // dW += dY^T X
                    gemm().sgemm(true, false, out, in, rows, 1f, dy.data(), dy.offset(), out, xv.data(), xv.offset(), in,
                            1f, dw.data(), dw.offset(), in);
                }
                if (db != null) {
                    float[] d = dy.data(), acc = db.data();
                    for (int r = 0; r < rows; r++) {
                        int o = dy.offset() + r * out;
                        for (int j = 0; j < out; j++) acc[db.offset() + j] += d[o + j];
                    }
                }
            }
        }.output(y);
    }

    /** The product of all dimensions but the last. */
    static int rowsOf(Tensor a) {
        int r = 1;
        for (int i = 0; i < a.rank() - 1; i++) r *= a.dim(i);
        return r;
    }

    private static Gemm gemm() {
        return Backends.active().gemm();
    }
}
