package dev.recur.kernel;

import dev.recur.kernel.scalar.ScalarActivations;
import dev.recur.kernel.scalar.ScalarMath;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/**
 * Measures an {@link Activations} implementation against double-precision references over sets of
 * float inputs: the engine of ActivationAccuracyTest (a dense sample, in CI) and of the
 * all-2^32-floats sweep in recur-bench ({@code dev.recur.bench.kernel.ActivationAccuracySweep}).
 *
 * <p>Error measures, for input x with reference r = f(x) in double and kernel output y:
 * ulp = |y - r| / ulp((float) r) (ulp of a subnormal is 2^-149; a correctly rounded result has
 * ulp <= 0.5); rel = |y - r| / |r|, reported only where r is a normal float (below, the relative
 * error of a subnormal says nothing about the kernel); abs = |y - r|. NaN must map to NaN, and a
 * result whose rounded reference is ±Inf must be that Inf exactly; a violation is counted apart.
 */
public final class ActivationAccuracy {

    /** One activation: its reference, its kernel entry point, and the input ranges reported apart. */
    public enum Function {
        EXP(Math::exp, Activations::exp,
                range("results normal", LN_MIN_NORMAL, LN_MAX, 1.0),
                range("results subnormal", LN_HALF_MIN_VALUE, LN_MIN_NORMAL, 1.5)),
        SIGMOID(ScalarMath::sigmoid, Activations::sigmoid,
                range("x >= 0", 0f, Float.POSITIVE_INFINITY, 1.0),
                range("-87.34 <= x < 0", LN_MIN_NORMAL, 0f, 1.5),
                range("results subnormal", LN_HALF_MIN_VALUE, LN_MIN_NORMAL, 1.5)),
        TANH(Math::tanh, Activations::tanh,
                range("|x| < 0.625 (polynomial)", -0.625f, 0.625f, 1.0),
                range("|x| >= 0.625", 0.625f, Float.POSITIVE_INFINITY, 1.5),
                range("|x| >= 0.625", Float.NEGATIVE_INFINITY, -0.625f, 1.5)),
        SOFTPLUS(ScalarMath::softplus, Activations::softplus,
                range("x >= 0", 0f, Float.POSITIVE_INFINITY, 2.1),
                range("-87.34 <= x < 0", LN_MIN_NORMAL, 0f, 1.7),
                range("results subnormal", LN_HALF_MIN_VALUE, LN_MIN_NORMAL, 1.5)),
        LOG_SIGMOID(x -> -ScalarMath.softplus(-x), Activations::logSigmoid,
                range("x <= 0", Float.NEGATIVE_INFINITY, Float.MIN_VALUE, 2.1),
                range("0 < x <= 87.34", Float.MIN_VALUE, -LN_MIN_NORMAL, 1.7),
                range("results subnormal", -LN_MIN_NORMAL, -LN_HALF_MIN_VALUE, 1.5)),
        SILU(ScalarActivations::silu, Activations::silu,
                range("x >= 0", 0f, Float.POSITIVE_INFINITY, 1.0),
                range("-17 <= x < 0", -17f, 0f, 1.6),
                range("-91.86 <= x < -17", -91.85678f, -17f, 1.7),
                range("results subnormal", -108.6603f, -91.85678f, 1.5)),
        GELU(ScalarActivations::gelu, Activations::gelu,
                range("x >= 0", 0f, Float.POSITIVE_INFINITY, 0.6),
                range("-5 <= x < 0", -5f, 0f, 0.6),
                range("-13.15 <= x < -5", -13.146247f, -5f, 0.6),
                range("results subnormal", -14.356068f, -13.146247f, 0.6));

        private final DoubleUnaryOperator reference;
        private final Kernel kernel;
        private final Range[] ranges;
        private final List<String> names = new ArrayList<>();
        private final int[] rowOfRange;

        Function(DoubleUnaryOperator reference, Kernel kernel, Range... ranges) {
            this.reference = reference;
            this.kernel = kernel;
            this.ranges = ranges;
            rowOfRange = new int[ranges.length];
            for (int i = 0; i < ranges.length; i++) {
                if (!names.contains(ranges[i].name)) names.add(ranges[i].name);
                rowOfRange[i] = names.indexOf(ranges[i].name);
            }
            names.add("elsewhere");
        }

        /** The stated bound (ulp) of each row of {@link #rangeNames()}. */
        public double[] maxUlps() {
            double[] b = new double[names.size()];
            for (int i = 0; i < ranges.length; i++) b[rowOfRange[i]] = ranges[i].maxUlp;
            b[b.length - 1] = ELSEWHERE_MAX_ULP;
            return b;
        }

        /** The reported ranges, then "elsewhere" (saturated or underflowed results, NaN inputs). */
        public List<String> rangeNames() {
            return List.copyOf(names);
        }

        int rangeOf(float x) {
            for (int i = 0; i < ranges.length; i++) {
                Range r = ranges[i];
                if (x >= r.lo && x < r.hi || x == r.hi && r.hi == Float.POSITIVE_INFINITY) return rowOfRange[i];
            }
            return names.size() - 1;
        }

        public double reference(float x) {
            return reference.applyAsDouble(x);
        }

        public void apply(Activations activations, float[] x, float[] y, int n) {
            kernel.apply(activations, x, 0, y, 0, n);
        }
    }

    /** ln(Float.MIN_NORMAL), ln(Float.MIN_VALUE / 2), ln(Float.MAX_VALUE): where e^x turns subnormal, 0, Inf. */
    private static final float LN_MIN_NORMAL = -87.33654f;
    private static final float LN_HALF_MIN_VALUE = -103.97208f;
    private static final float LN_MAX = 88.72284f;

    @FunctionalInterface
    interface Kernel {
        void apply(Activations a, float[] x, int xOff, float[] y, int yOff, int n);
    }

    /** Inputs in [lo, hi) (hi included when it is +Inf), and the stated bound on their error in ulp. */
    record Range(String name, float lo, float hi, double maxUlp) {}

    private static Range range(String name, float lo, float hi, double maxUlp) {
        return new Range(name, lo, hi, maxUlp);
    }

    /** Inputs outside every named range give saturated, underflowed or NaN results: exact but for the last subnormal. */
    public static final double ELSEWHERE_MAX_ULP = 1.0;

    /** Maximum errors over one range, with the input where each maximum occurred. */
    public static final class Stats {
        public long count;
        public long violations;
        public double maxUlp, maxRel, maxAbs;
        public float worstUlpX = Float.NaN, worstRelX = Float.NaN, worstAbsX = Float.NaN, firstViolationX = Float.NaN;

        void add(float x, float y, double r) {
            count++;
            if (Double.isNaN(r) || Double.isNaN(y)) {
                if (!(Double.isNaN(r) && Float.isNaN(y))) violation(x);
                return;
            }
            float rf = (float) r;
            if (Float.isInfinite(rf) || Float.isInfinite(y)) {
                if (rf != y) violation(x);
                return;
            }
            double abs = Math.abs(y - r);
            double ulp = abs / Math.ulp(rf);
            if (ulp > maxUlp) { maxUlp = ulp; worstUlpX = x; }
            if (abs > maxAbs) { maxAbs = abs; worstAbsX = x; }
            if (Math.abs(r) >= Float.MIN_NORMAL) {
                double rel = abs / Math.abs(r);
                if (rel > maxRel) { maxRel = rel; worstRelX = x; }
            }
        }

        private void violation(float x) {
            if (violations++ == 0) firstViolationX = x;
        }

        public void merge(Stats o) {
            count += o.count;
            if (o.violations > 0 && violations == 0) firstViolationX = o.firstViolationX;
            violations += o.violations;
            if (o.maxUlp > maxUlp) { maxUlp = o.maxUlp; worstUlpX = o.worstUlpX; }
            if (o.maxRel > maxRel) { maxRel = o.maxRel; worstRelX = o.worstRelX; }
            if (o.maxAbs > maxAbs) { maxAbs = o.maxAbs; worstAbsX = o.worstAbsX; }
        }
    }

    private ActivationAccuracy() {}

    /** Fresh per-range statistics for f (one per {@link Function#rangeNames()}). */
    public static Stats[] newStats(Function f) {
        Stats[] s = new Stats[f.rangeNames().size()];
        for (int i = 0; i < s.length; i++) s[i] = new Stats();
        return s;
    }

    /** Runs the kernel on x[0..n) and adds each error to its range's statistics. */
    public static void measure(Function f, Activations activations, float[] x, int n, float[] scratch, Stats[] into) {
        f.apply(activations, x, scratch, n);
        for (int i = 0; i < n; i++) into[f.rangeOf(x[i])].add(x[i], scratch[i], f.reference(x[i]));
    }

    /** Markdown rows: function, range, samples, bound, max ulp, max rel (normal results), max abs, worst x. */
    public static String table(Function f, Stats[] stats) {
        StringBuilder sb = new StringBuilder();
        List<String> names = f.rangeNames();
        double[] bounds = f.maxUlps();
        for (int i = 0; i < stats.length; i++) {
            Stats s = stats[i];
            if (s.count == 0) continue;
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.3f | %s | %.3g | %s |%s%n",
                    f.name().toLowerCase(Locale.ROOT), names.get(i), s.count, bounds[i], s.maxUlp,
                    s.maxRel == 0 ? "0" : String.format(Locale.ROOT, "%.3g", s.maxRel), s.maxAbs,
                    Float.isNaN(s.worstUlpX) ? "-" : Float.toString(s.worstUlpX),
                    (s.violations == 0 ? "" : " NaN/Inf VIOLATIONS: " + s.violations + " (first at x = " + s.firstViolationX + ")")
                            + (s.maxUlp <= bounds[i] ? "" : " ABOVE THE BOUND")));
        }
        return sb.toString();
    }
}
