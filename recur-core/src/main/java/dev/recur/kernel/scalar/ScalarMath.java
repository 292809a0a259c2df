package dev.recur.kernel.scalar;

/** Double-precision special functions that java.lang.Math lacks. */
public final class ScalarMath {
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;

    private ScalarMath() {}

    /** 1 / (2n + 1), so that the series below multiplies instead of dividing. */
    private static final double[] INV_ODD = new double[128];

    static {
        for (int n = 0; n < INV_ODD.length; n++) INV_ODD[n] = 1.0 / (2 * n + 1);
    }

    /**
     * erf(x) to about 1e-15 relative: for |x| < 2.5 the series of positive terms
     * erf(x) = 2/sqrt(pi) e^(-x^2) sum_n x (2x^2)^n / (1 3 5 ... (2n+1)), which has no cancellation
     * (at most ~50 terms); beyond, 1 - erfc(x) from the continued fraction.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        if (ax < 2.5) {
            double twoX2 = 2 * x * x, term = x, sum = x;
            for (int n = 1; n < INV_ODD.length; n++) {
                term *= twoX2 * INV_ODD[n];
                sum += term;
                if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
            }
            return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
        }
        double r = 1.0 - erfcLarge(ax);
        return x < 0 ? -r : r;
    }

    /** erfc(x) = 1 - erf(x), accurate also where erf(x) rounds to ±1. */
    public static double erfc(double x) {
        if (x < 2.5) return 1.0 - erf(x);
        return erfcLarge(x);
    }

    /** erfc for x >= 2.5 by the continued fraction of Laplace, evaluated with Lentz's method. */
    private static double erfcLarge(double x) {
        if (x > 27) return 0.0;
        // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + 2/(x + ...)))))
        double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int n = 1; n < 500; n++) {
            double an = n * 0.5;
            d = x + an * d;
            if (d == 0) d = tiny;
            c = x + an / c;
            if (c == 0) c = tiny;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) break;
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }

    /** The standard normal CDF Phi(x) = (1 + erf(x / sqrt 2)) / 2, accurate in both tails. */
    public static double normalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    public static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    public static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }
}
