package dev.recur.kernel.scalar;

/** Double-precision special functions that java.lang.Math lacks. */
public final class ScalarMath {
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;

    private ScalarMath() {}

    /** erf(x) to about 1e-15 relative: a Taylor series near 0, a continued fraction for erfc beyond. */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        if (ax < 2.5) {
            double x2 = x * x, term = x, sum = x;
            for (int n = 1; n < 200; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
            }
            return TWO_OVER_SQRT_PI * sum;
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
