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

    /**
     * Accuracy, macro F1 (the mean over classes of each class's F1; a class never predicted nor
     * present counts 0), the per-class F1 and the confusion matrix (rows: true, columns: predicted).
     */
    public static Map<String, Object> classification(int[] truth, int[] predicted, int classes) {
        long[][] confusion = new long[classes][classes];
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            confusion[truth[i]][predicted[i]]++;
            if (truth[i] == predicted[i]) correct++;
        }
        java.util.List<Object> f1s = new java.util.ArrayList<>(), rows = new java.util.ArrayList<>();
        double macro = 0;
        for (int k = 0; k < classes; k++) {
            long tp = confusion[k][k], fp = 0, fn = 0;
            for (int j = 0; j < classes; j++) {
                if (j != k) {
                    fp += confusion[j][k];
                    fn += confusion[k][j];
                }
            }
            double f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
            macro += f1;
            f1s.add(round(f1));
            java.util.List<Object> row = new java.util.ArrayList<>();
            for (long c : confusion[k]) row.add(c);
            rows.add(row);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accuracy", round((double) correct / truth.length));
        m.put("macro_f1", round(macro / classes));
        m.put("per_class_f1", f1s);
        m.put("confusion", rows);
        return m;
    }

    /** Six significant digits: enough to compare runs, short enough to read. */
    public static double round(double v) {
        if (v == 0 || !Double.isFinite(v)) return v;
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).doubleValue();
    }
}
