package dev.recur.testing;

import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

/** Random tensors and float64 index helpers for op tests and their references. */
public final class TestTensors {
    private TestTensors() {}

    public static Tensor randn(Rng rng, int... shape) {
        Tensor t = Tensor.zeros(shape);
        rng.fillNormal(t.data(), 0, t.numel(), 0f, 1f);
        return t;
    }

    /** Uniform in [lo, hi). */
    public static Tensor uniform(Rng rng, float lo, float hi, int... shape) {
        Tensor t = Tensor.zeros(shape);
        rng.fillUniform(t.data(), 0, t.numel(), lo, hi);
        return t;
    }

    /** Normal values pushed at least {@code margin} away from 0 (kinks, poles, finite differences). */
    public static Tensor awayFromZero(Rng rng, float margin, int... shape) {
        Tensor t = randn(rng, shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = Math.copySign(margin + Math.abs(d[i]), d[i]);
        return t;
    }

    /** Row-major strides of {@code shape}. */
    public static int[] strides(int... shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** The multi-index of flat position {@code p} in {@code shape}. */
    public static int[] unravel(int p, int... shape) {
        int[] idx = new int[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            idx[i] = p % shape[i];
            p /= shape[i];
        }
        return idx;
    }

    public static int numel(int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }
}
