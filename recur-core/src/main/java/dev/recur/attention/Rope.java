package dev.recur.attention;

/**
 * Rotary position embedding (Su et al., "RoFormer", 2021) in the half-split layout of Llama and
 * GPT-NeoX: within a head of even size d, element i pairs with element i + d/2 and the pair is
 * rotated by the angle {@code p * base^(-2i/d)} at position p. Attention scores between rotated
 * queries and keys then depend on positions only through their difference, so a cache of
 * rotated keys stays valid as the sequence grows. Angles are computed in double from the exact
 * position. Immutable.
 */
public final class Rope {
    private final int headDim;
    private final double base;
    private final double[] frequencies;

    public Rope(int headDim, double base) {
        if (headDim < 2 || headDim % 2 != 0) throw new IllegalArgumentException("rotary embedding needs an even head size, got " + headDim);
        if (!(base > 1)) throw new IllegalArgumentException("rotary base must be > 1, got " + base);
        this.headDim = headDim;
        this.base = base;
        this.frequencies = new double[headDim / 2];
        for (int i = 0; i < headDim / 2; i++) frequencies[i] = Math.pow(base, -2.0 * i / headDim);
    }

    public int headDim() {
        return headDim;
    }

    public double base() {
        return base;
    }

    /** Rotates {@code x[off, off + headDim)} to position p in place ({@code inverse}: back from p). */
    public void rotate(float[] x, int off, long p, boolean inverse) {
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            double angle = p * frequencies[i];
            double c = Math.cos(angle), s = inverse ? -Math.sin(angle) : Math.sin(angle);
            double a = x[off + i], b = x[off + half + i];
            x[off + i] = (float) (a * c - b * s);
            x[off + half + i] = (float) (b * c + a * s);
        }
    }
}
