package dev.recur.task;

import java.util.LinkedHashMap;
import java.util.Map;

/** Metric formulas shared by the tasks. */
public final class Metrics {
    private Metrics() {}

    /**
     * MAE, RMSE and sMAPE (in percent, {@code 200 |y - ŷ| / (|y| + |ŷ|)} averaged, a term with
     * {@code y = ŷ = 0} counting 0) of predictions against targets of the same length.
     */
    public static Map<String, Object> regression(double[] predicted, double[] actual) {
        if (predicted.length != actual.length || actual.length == 0) throw new IllegalArgumentException("need equal, non-empty arrays");
        double abs = 0, sq = 0, smape = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = predicted[i] - actual[i];
            abs += Math.abs(d);
            sq += d * d;
            double den = Math.abs(actual[i]) + Math.abs(predicted[i]);
            if (den > 0) smape += 2 * Math.abs(d) / den;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mae", round(abs / actual.length));
        m.put("rmse", round(Math.sqrt(sq / actual.length)));
        m.put("smape", round(100 * smape / actual.length));
        return m;
    }

    /** Six significant digits: enough to compare runs, short enough to read. */
    public static double round(double v) {
        if (v == 0 || !Double.isFinite(v)) return v;
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).doubleValue();
    }
}
