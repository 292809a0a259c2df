package dev.recur.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor: a heap {@code float[]}, an offset, a shape and row-major strides.
 *
 * <p>Views ({@link #select}, {@link #narrow}, {@link #transpose}, {@link #view}) share the array, so
 * slicing a time step or a batch costs no copy. Kernels take {@code (array, offset, stride)} triples,
 * which is why the storage is a plain array: see docs/DESIGN.md, "Storage".
 *
 * <p>Metadata is immutable; the elements are not. A tensor is not thread-safe for concurrent writes.
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int[] strides;

    private Tensor(float[] data, int offset, int[] shape, int[] strides) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    // ---- construction -------------------------------------------------------------------------

    public static Tensor zeros(int... shape) {
        int[] s = shape.clone();
        return new Tensor(new float[Shapes.numel(s)], 0, s, Shapes.contiguousStrides(s));
    }

    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    public static Tensor zerosLike(Tensor t) {
        return zeros(t.shape);
    }

    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value}, 0, new int[0], new int[0]);
    }

    /** Wraps {@code data} (no copy) as a contiguous tensor of the given shape. */
    public static Tensor of(float[] data, int... shape) {
        int[] s = shape.clone();
        int n = Shapes.numel(s);
        if (n != data.length) {
            throw new ShapeException("array of " + data.length + " floats cannot be viewed as shape " + Shapes.toString(s)
                    + " (" + n + " elements)");
        }
        return new Tensor(data, 0, s, Shapes.contiguousStrides(s));
    }

    /** Wraps a region of {@code data} (no copy): {@code numel(shape)} floats from {@code offset}. */
    public static Tensor wrap(float[] data, int offset, int... shape) {
        int[] s = shape.clone();
        int n = Shapes.numel(s);
        if (offset < 0 || offset + (long) n > data.length) {
            throw new ShapeException("region [" + offset + ", " + (offset + (long) n) + ") is outside an array of " + data.length);
        }
        return new Tensor(data, offset, s, Shapes.contiguousStrides(s));
    }

    /** Copies {@code values} (rounded to float32) into a new contiguous tensor. */
    public static Tensor fromDoubles(double[] values, int... shape) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
        return of(f, shape);
    }

    // ---- metadata -----------------------------------------------------------------------------

    /** The backing array. Element (i0, i1, ...) is at {@code offset() + sum(ik * stride(k))}. */
    public float[] data() {
        return data;
    }

    public int offset() {
        return offset;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int[] strides() {
        return strides.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code d}; negative {@code d} counts from the end. */
    public int dim(int d) {
        return shape[axis(d)];
    }

    public int stride(int d) {
        return strides[axis(d)];
    }

    public int numel() {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public boolean isContiguous() {
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != s) return false;
            s *= shape[i];
        }
        return true;
    }

    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    private int axis(int d) {
        int a = d < 0 ? d + shape.length : d;
        if (a < 0 || a >= shape.length) {
            throw new ShapeException("dimension " + d + " is out of range for a tensor of rank " + shape.length);
        }
        return a;
    }

    // ---- element access (slow path: tests, I/O, small bookkeeping) ----------------------------

    public float get(int... index) {
        return data[index(index)];
    }

    public void set(float value, int... index) {
        data[index(index)] = value;
    }

    /** The value of a one-element tensor. */
    public float item() {
        if (numel() != 1) throw new ShapeException("item() needs one element, tensor has shape " + Shapes.toString(shape));
        return data[offset];
    }

    private int index(int[] index) {
        if (index.length != shape.length) {
            throw new ShapeException("index of rank " + index.length + " for a tensor of rank " + shape.length);
        }
        int p = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new ShapeException("index " + Arrays.toString(index) + " is out of bounds for shape " + Shapes.toString(shape));
            }
            p += index[i] * strides[i];
        }
        return p;
    }

    // ---- views (no copy) ----------------------------------------------------------------------

    /** The same elements with another shape; needs a contiguous tensor. One dimension may be -1. */
    public Tensor view(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new ShapeException("view " + Shapes.toString(newShape) + " has more than one -1");
                infer = i;
            } else {
                known *= s[i];
            }
        }
        int n = numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new ShapeException("cannot view shape " + Shapes.toString(shape) + " as " + Shapes.toString(newShape));
            }
            s[infer] = n / known;
        }
        if (Shapes.numel(s) != n) {
            throw new ShapeException("cannot view shape " + Shapes.toString(shape) + " (" + n + " elements) as " + Shapes.toString(newShape));
        }
        if (!isContiguous()) throw new ShapeException("view needs a contiguous tensor; call contiguous() first");
        return new Tensor(data, offset, s, Shapes.contiguousStrides(s));
    }

    /** Index {@code i} of dimension {@code d}; the result has rank one less. */
    public Tensor select(int d, int i) {
        int a = axis(d);
        if (i < 0 || i >= shape[a]) {
            throw new ShapeException("select index " + i + " is out of bounds for dimension " + a + " of size " + shape[a]);
        }
        return new Tensor(data, offset + i * strides[a], remove(shape, a), remove(strides, a));
    }

    /** Elements {@code [start, start + length)} of dimension {@code d}. */
    public Tensor narrow(int d, int start, int length) {
        int a = axis(d);
        if (start < 0 || length < 0 || start + length > shape[a]) {
            throw new ShapeException("narrow [" + start + ", " + (start + length) + ") is out of bounds for dimension " + a
                    + " of size " + shape[a]);
        }
        int[] s = shape.clone();
        s[a] = length;
        return new Tensor(data, offset + (length == 0 ? 0 : start * strides[a]), s, strides.clone());
    }

    public Tensor transpose(int d0, int d1) {
        int a = axis(d0), b = axis(d1);
        int[] s = shape.clone(), st = strides.clone();
        s[a] = shape[b];
        s[b] = shape[a];
        st[a] = strides[b];
        st[b] = strides[a];
        return new Tensor(data, offset, s, st);
    }

    public Tensor permute(int... order) {
        if (order.length != shape.length) throw new ShapeException("permute order " + Arrays.toString(order) + " for rank " + shape.length);
        int[] s = new int[order.length], st = new int[order.length];
        boolean[] seen = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            int a = axis(order[i]);
            if (seen[a]) throw new ShapeException("permute order " + Arrays.toString(order) + " repeats dimension " + a);
            seen[a] = true;
            s[i] = shape[a];
            st[i] = strides[a];
        }
        return new Tensor(data, offset, s, st);
    }

    /** Inserts a dimension of size 1 at {@code d} (0..rank). */
    public Tensor unsqueeze(int d) {
        if (d < 0 || d > shape.length) throw new ShapeException("unsqueeze at " + d + " for rank " + shape.length);
        int[] s = new int[shape.length + 1], st = new int[shape.length + 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i == d) {
                s[i] = 1;
                st[i] = (d < shape.length) ? strides[d] * shape[d] : 1;
            } else {
                s[i] = shape[j];
                st[i] = strides[j];
                j++;
            }
        }
        return new Tensor(data, offset, s, st);
    }

    private static int[] remove(int[] a, int i) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    // ---- copies -------------------------------------------------------------------------------

    /** This tensor if it is contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        return isContiguous() ? this : copy();
    }

    /** A contiguous copy with its own array. */
    public Tensor copy() {
        Tensor t = zeros(shape);
        t.copyFrom(this);
        return t;
    }

    /** Copies {@code src} (same shape, any strides) into this tensor. */
    public Tensor copyFrom(Tensor src) {
        if (!Arrays.equals(shape, src.shape)) throw ShapeException.mismatch("copyFrom source", shape, src.shape);
        if (isContiguous() && src.isContiguous()) {
            System.arraycopy(src.data, src.offset, data, offset, numel());
        } else if (numel() > 0) {
            copyStrided(src, 0, offset, src.offset);
        }
        return this;
    }

    private void copyStrided(Tensor src, int d, int dst, int s) {
        if (d == shape.length - 1) {
            int n = shape[d], ds = strides[d], ss = src.strides[d];
            for (int i = 0; i < n; i++) data[dst + i * ds] = src.data[s + i * ss];
            return;
        }
        for (int i = 0; i < shape[d]; i++) copyStrided(src, d + 1, dst + i * strides[d], s + i * src.strides[d]);
    }

    public Tensor fill(float value) {
        if (isContiguous()) {
            Arrays.fill(data, offset, offset + numel(), value);
        } else {
            forEachOffset((p) -> data[p] = value);
        }
        return this;
    }

    /** The elements in row-major order, as a new array. */
    public float[] toArray() {
        return isContiguous() ? Arrays.copyOfRange(data, offset, offset + numel()) : copy().data;
    }

    public double[] toDoubleArray() {
        float[] f = toArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** Visits the array offset of every element in row-major order. */
    public void forEachOffset(java.util.function.IntConsumer visitor) {
        if (numel() == 0) return;
        if (shape.length == 0) {
            visitor.accept(offset);
            return;
        }
        visit(0, offset, visitor);
    }

    private void visit(int d, int p, java.util.function.IntConsumer visitor) {
        if (d == shape.length - 1) {
            for (int i = 0; i < shape[d]; i++) visitor.accept(p + i * strides[d]);
            return;
        }
        for (int i = 0; i < shape[d]; i++) visit(d + 1, p + i * strides[d], visitor);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Shapes.toString(shape));
        float[] v = numel() <= 8 ? toArray() : null;
        if (v != null) sb.append(' ').append(Arrays.toString(v));
        return sb.toString();
    }
}
