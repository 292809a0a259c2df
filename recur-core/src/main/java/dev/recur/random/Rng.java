package dev.recur.random;

/**
 * Seeded randomness with the algorithm of {@link java.util.SplittableRandom} (SplitMix64), bit for
 * bit, written out here so that its state can be saved in a checkpoint and restored: a resumed run
 * draws the same numbers as one that never stopped. {@link #split()} gives independent streams
 * (one per data loader, per dropout layer, per initialiser) whose sequence does not depend on how
 * many threads run.
 */
public final class Rng {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private long seed;
    private final long gamma;

    public Rng(long seed) {
        this(seed, GOLDEN_GAMMA);
    }

    private Rng(long seed, long gamma) {
        this.seed = seed;
        this.gamma = gamma;
    }

    /** The generator's whole state, for checkpoints. */
    public long[] state() {
        return new long[] {seed, gamma};
    }

    /** A generator that continues exactly from a saved {@link #state()}. */
    public static Rng fromState(long[] state) {
        if (state.length != 2 || (state[1] & 1L) == 0) throw new IllegalArgumentException("not an Rng state");
        return new Rng(state[0], state[1]);
    }

    /** An independent generator; this one advances. */
    public Rng split() {
        return new Rng(nextLong(), mixGamma(nextSeed()));
    }

    public long nextLong() {
        return mix64(nextSeed());
    }

    public int nextInt() {
        return mix32(nextSeed());
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        int r = nextInt();
        int m = bound - 1;
        if ((bound & m) == 0) {
            r &= m;
        } else {
            for (int u = r >>> 1; u + m - (r = u % bound) < 0; u = nextInt() >>> 1) {
                // rejection keeps the distribution uniform
            }
        }
        return r;
    }

    /** Uniform in [origin, bound). */
    public int nextInt(int origin, int bound) {
        if (origin >= bound) throw new IllegalArgumentException("empty range [" + origin + ", " + bound + ")");
        return origin + nextInt(bound - origin);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, 1) with 24 random bits. */
    public float nextFloat() {
        return (nextInt() >>> 8) * 0x1.0p-24f;
    }

    public boolean nextBoolean() {
        return nextInt() < 0;
    }

    /** Standard normal by Box–Muller (one value per call, no hidden cached state; StrictMath for reproducibility). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]
        double u2 = nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }

    /** Fills {@code a[off, off+n)} with uniform values in [lo, hi). */
    public void fillUniform(float[] a, int off, int n, float lo, float hi) {
        for (int i = 0; i < n; i++) a[off + i] = lo + (hi - lo) * nextFloat();
    }

    /** Fills {@code a[off, off+n)} with normal values of the given mean and standard deviation. */
    public void fillNormal(float[] a, int off, int n, float mean, float std) {
        for (int i = 0; i < n; i++) a[off + i] = (float) (mean + std * nextGaussian());
    }

    /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private long nextSeed() {
        return seed += gamma;
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static int mix32(long z) {
        z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5L;
        return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
    }

    private static long mixGamma(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        z = (z ^ (z >>> 33)) | 1L;
        int n = Long.bitCount(z ^ (z >>> 1));
        return (n < 24) ? z ^ 0xaaaaaaaaaaaaaaaaL : z;
    }
}
