package dev.recur.ops;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Backends;
import dev.recur.tensor.Tensor;

/** Softmax and log-softmax over the last dimension, on the backend's row kernels. */
public final class Softmax {
    private Softmax() {}

    /** {@code exp(x - max) / sum(exp(x - max))} per row. */
    public static Var softmax(Var x) {
        return rows(x, false);
    }

    /** {@code x - logsumexp(x)} per row, computed without overflow. */
    public static Var logSoftmax(Var x) {
        return rows(x, true);
    }

    private static Var rows(Var x, boolean log) {
        Tensor xv = x.value().contiguous();
        Strided.requireRankAtLeast(log ? "logSoftmax" : "softmax", xv, 1);
        int cols = xv.dim(-1), rows = cols == 0 ? 0 : xv.numel() / cols;
        Tensor out = Tensor.zeros(xv.shape());
        float[] y = out.data();
        if (log) {
            Backends.active().reductions().logSoftmaxRows(xv.data(), xv.offset(), y, 0, rows, cols);
        } else {
            Backends.active().reductions().softmaxRows(xv.data(), xv.offset(), y, 0, rows, cols);
        }
        return new Node(x) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dx = gradOf(0), dy = g[0].contiguous();
                float[] d = dy.data(), dd = dx.data();
                for (int r = 0; r < rows; r++) {
                    int yi = r * cols, di = dy.offset() + yi, xi = dx.offset() + yi;
                    if (log) { // dx = dy - softmax * sum(dy)
                        double s = 0;
                        for (int j = 0; j < cols; j++) s += d[di + j];
                        float sf = (float) s;
                        for (int j = 0; j < cols; j++) dd[xi + j] += d[di + j] - (float) Math.exp(y[yi + j]) * sf;
                    } else { // dx = y * (dy - sum(dy * y))
                        double s = 0;
                        for (int j = 0; j < cols; j++) s += (double) d[di + j] * y[yi + j];
                        float sf = (float) s;
                        for (int j = 0; j < cols; j++) dd[xi + j] += y[yi + j] * (d[di + j] - sf);
                    }
                }
            }
        }.output(out);
    }
}
