package dev.recur.tensor;

import java.util.Arrays;

/** Small helpers over int[] shapes. */
public final class Shapes {
    private Shapes() {}

    public static int numel(int... shape) {
        boolean empty = false; // (2^31-1, 2^31-1, 0) is empty, not too large
        for (int d : shape) {
            if (d < 0) throw new ShapeException("negative dimension in shape " + toString(shape));
            empty |= d == 0;
        }
        if (empty) return 0;
        long n = 1;
        for (int d : shape) {
            n *= d;
            if (n > Integer.MAX_VALUE - 8) throw new ShapeException("shape " + toString(shape) + " has more than 2^31 elements");
        }
        return (int) n;
    }

    /** Row-major (C order) strides. */
    public static int[] contiguousStrides(int... shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    public static boolean equal(int[] a, int[] b) {
        return Arrays.equals(a, b);
    }

    public static String toString(int... shape) {
        return Arrays.toString(shape);
    }

    /** Throws a {@link ShapeException} naming {@code what} unless {@code found} equals {@code expected}. */
    public static void check(String what, int[] found, int... expected) {
        if (!Arrays.equals(found, expected)) throw ShapeException.mismatch(what, expected, found);
    }
}
