package dev.recur.ops;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

/** Row lookup in an embedding table; the backward scatter-adds the gradient rows into the table's gradient. */
public final class Embedding {
    private Embedding() {}

    /** No padding index: every looked-up row receives its gradient. */
    public static final int NO_PADDING = -1;

    /**
     * {@code weight (V, D)} indexed by {@code indices} (row-major, of {@code shape}) gives
     * {@code (shape..., D)}. Rows looked up at {@code paddingIdx} receive no gradient (PyTorch's
     * {@code padding_idx}); pass {@link #NO_PADDING} for none.
     */
    public static Var embedding(Var weight, int[] indices, int[] shape, int paddingIdx) {
        Tensor w = weight.value().contiguous();
        if (w.rank() != 2) throw new ShapeException("embedding: weight must be 2-D (V, D), found " + Shapes.toString(w.shape()));
        int vocab = w.dim(0), dim = w.dim(1);
        if (Shapes.numel(shape) != indices.length) {
            throw new ShapeException("embedding: " + indices.length + " indices cannot have shape " + Shapes.toString(shape));
        }
        for (int i = 0; i < indices.length; i++) IndexException.check("embedding index", i, indices[i], vocab);
        int[] idx = indices.clone();
        int[] outShape = java.util.Arrays.copyOf(shape, shape.length + 1); // copies: the caller's array is not kept
        outShape[shape.length] = dim;
        Tensor out = Tensor.zeros(outShape);
        float[] src = w.data(), o = out.data();
        for (int i = 0; i < idx.length; i++) System.arraycopy(src, w.offset() + idx[i] * dim, o, i * dim, dim);
        return new Node(weight) {
            @Override
            protected void backward(Tensor[] g) {
                Tensor dw = gradOf(0), dy = g[0].contiguous();
                float[] d = dw.data(), gy = dy.data();
                for (int i = 0; i < idx.length; i++) {
                    if (idx[i] == paddingIdx) continue;
                    int row = dw.offset() + idx[i] * dim, src = dy.offset() + i * dim;
                    for (int j = 0; j < dim; j++) d[row + j] += gy[src + j];
                }
            }
        }.output(out);
    }

    /** {@link #embedding(Var, int[], int[], int)} without a padding index. */
    public static Var embedding(Var weight, int[] indices, int[] shape) {
        return embedding(weight, indices, shape, NO_PADDING);
    }
}
