package dev.recur.ops;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

import java.util.function.UnaryOperator;

/**
 * Shape ops. Reshape, transpose, permute, narrow, select and (un)squeeze return views that share
 * the input's array (no copy); their backward adds the upstream gradient into the same view of the
 * input's gradient. Concat, stack and the time/batch-major conversions copy.
 */
public final class Shape {
    private Shape() {}

    /** The same elements in another shape (one dimension may be -1); a view when {@code x} is contiguous. */
    public static Var reshape(Var x, int... shape) {
        int[] s = shape.clone();
        return view(x, t -> t.contiguous().view(s));
    }

    /** Swaps two dimensions (a view). */
    public static Var transpose(Var x, int d0, int d1) {
        return view(x, t -> t.transpose(d0, d1));
    }

    /** Reorders the dimensions: result dimension i is input dimension {@code order[i]} (a view). */
    public static Var permute(Var x, int... order) {
        int[] o = order.clone();
        return view(x, t -> t.permute(o));
    }

    /** Inserts a dimension of size 1 at {@code d} in 0..rank (a view). */
    public static Var unsqueeze(Var x, int d) {
        return view(x, t -> t.unsqueeze(d));
    }

    /** Removes dimension {@code d}, which must have size 1. */
    public static Var squeeze(Var x, int d) {
        Tensor v = x.value();
        int a = axis("squeeze", d, v.rank());
        if (v.dim(a) != 1) {
            throw new ShapeException("squeeze: dimension " + d + " of shape " + Shapes.toString(v.shape()) + " has size " + v.dim(a) + ", not 1");
        }
        int[] s = new int[v.rank() - 1];
        for (int i = 0, j = 0; i < v.rank(); i++) if (i != a) s[j++] = v.dim(i);
        return reshape(x, s);
    }

    /** Elements {@code [start, start + length)} of dimension {@code d} (a view). */
    public static Var narrow(Var x, int d, int start, int length) {
        return view(x, t -> t.narrow(d, start, length));
    }

    /** Index {@code i} of dimension {@code d}, dropping that dimension (a view). */
    public static Var select(Var x, int d, int i) {
        return view(x, t -> t.select(d, i));
    }

    /** Splits dimension {@code d} into consecutive pieces of the given sizes, which must add up to its size. */
    public static Var[] split(Var x, int d, int... sizes) {
        int a = axis("split", d, x.rank()), total = 0;
        for (int s : sizes) {
            if (s < 0) throw new ShapeException("split: negative piece size " + s);
            total += s;
        }
        if (total != x.dim(a)) {
            throw new ShapeException("split: pieces " + java.util.Arrays.toString(sizes) + " add up to " + total
                    + ", but dimension " + d + " of " + Shapes.toString(x.shape()) + " has size " + x.dim(a));
        }
        Var[] out = new Var[sizes.length];
        for (int i = 0, start = 0; i < sizes.length; start += sizes[i], i++) out[i] = narrow(x, a, start, sizes[i]);
        return out;
    }

    /** A contiguous copy when {@code x} is a strided view, else {@code x} itself. */
    public static Var contiguous(Var x) {
        return x.value().isContiguous() ? x : view(x, Tensor::contiguous);
    }

    /** (T, B, ...) to (B, T, ...), contiguous. */
    public static Var batchMajor(Var x) {
        Strided.requireRankAtLeast("batchMajor", x.value(), 2);
        return contiguous(transpose(x, 0, 1));
    }

    /** (B, T, ...) to (T, B, ...), contiguous: the layout of Recur's sequence layers. */
    public static Var timeMajor(Var x) {
        Strided.requireRankAtLeast("timeMajor", x.value(), 2);
        return contiguous(transpose(x, 0, 1));
    }

    /** Joins tensors along dimension {@code d}; all other dimensions must agree. */
    public static Var concat(int d, Var... xs) {
        if (xs.length == 0) throw new IllegalArgumentException("concat of no tensors");
        int rank = xs[0].rank(), a = axis("concat", d, rank);
        int[] shape = xs[0].shape();
        int[] offsets = new int[xs.length];
        int total = 0;
        for (int i = 0; i < xs.length; i++) {
            int[] s = xs[i].shape();
            boolean ok = s.length == rank;
            for (int k = 0; ok && k < rank; k++) ok = k == a || s[k] == shape[k];
            if (!ok) {
                throw new ShapeException("concat along dimension " + d + ": tensor " + i + " has shape " + Shapes.toString(s)
                        + ", incompatible with tensor 0's " + Shapes.toString(shape));
            }
            offsets[i] = total;
            total += s[a];
        }
        shape[a] = total;
        Tensor out = Tensor.zeros(shape);
        for (int i = 0; i < xs.length; i++) out.narrow(a, offsets[i], xs[i].dim(a)).copyFrom(xs[i].value());
        return new Node(xs) {
            @Override
            protected void backward(Tensor[] g) {
                for (int i = 0; i < xs.length; i++) {
                    Tensor dx = gradOf(i);
                    if (dx != null) Strided.addInto(dx, g[0].narrow(a, offsets[i], xs[i].dim(a)));
                }
            }
        }.output(out);
    }

    /** Stacks same-shape tensors along a new dimension {@code d} in 0..rank. */
    public static Var stack(int d, Var... xs) {
        if (xs.length == 0) throw new IllegalArgumentException("stack of no tensors");
        int[] s0 = xs[0].shape();
        if (d < 0 || d > s0.length) throw new ShapeException("stack: dimension " + d + " is out of range 0.." + s0.length);
        for (int i = 1; i < xs.length; i++) {
            if (!Shapes.equal(xs[i].shape(), s0)) {
                throw new ShapeException("stack: tensor " + i + " has shape " + Shapes.toString(xs[i].shape())
                        + ", tensor 0 has " + Shapes.toString(s0));
            }
        }
        int[] shape = new int[s0.length + 1];
        for (int i = 0, j = 0; i < shape.length; i++) shape[i] = i == d ? xs.length : s0[j++];
        Tensor out = Tensor.zeros(shape);
        for (int i = 0; i < xs.length; i++) out.select(d, i).copyFrom(xs[i].value());
        return new Node(xs) {
            @Override
            protected void backward(Tensor[] g) {
                for (int i = 0; i < xs.length; i++) {
                    Tensor dx = gradOf(i);
                    if (dx != null) Strided.addInto(dx, g[0].select(d, i));
                }
            }
        }.output(out);
    }

    /** An op whose result is {@code f(input)} for a view function {@code f}; the gradient flows through the same view. */
    private static Var view(Var x, UnaryOperator<Tensor> f) {
        Tensor out = f.apply(x.value());
        return new Node(x) {
            @Override
            protected void backward(Tensor[] g) {
                Strided.addInto(f.apply(gradOf(0)), g[0]);
            }
        }.output(out);
    }

    static int axis(String op, int d, int rank) {
        int a = d < 0 ? d + rank : d;
        if (a < 0 || a >= rank) throw new ShapeException(op + ": dimension " + d + " is out of range for rank " + rank);
        return a;
    }
}
