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

    /**
     * Precision, recall and F1 of {@code score >= threshold} against the labels (1 = anomaly), and
     * the ROC-AUC of the scores (the probability that a random anomaly scores above a random normal
     * point, ties counting half; null when a class is absent).
     */
    public static Map<String, Object> detection(double[] scores, boolean[] labels, double threshold) {
        long tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean flagged = scores[i] >= threshold;
            if (flagged && labels[i]) tp++;
            else if (flagged) fp++;
            else if (labels[i]) fn++;
        }
        double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp), recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("precision", round(precision));
        m.put("recall", round(recall));
        m.put("f1", round(precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)));
        Double auc = rocAuc(scores, labels);
        m.put("roc_auc", auc == null ? null : round(auc));
        return m;
    }

    /** The threshold that maximises F1 on these scores; with no anomaly among the labels, just above the highest score. */
    public static double bestThreshold(double[] scores, boolean[] labels) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        long positives = 0;
        for (boolean l : labels) if (l) positives++;
        double max = scores.length == 0 ? 0 : scores[order[0]];
        if (positives == 0) return Math.nextUp(max);
        long tp = 0, flagged = 0;
        double bestF1 = -1, best = max;
        for (int k = 0; k < order.length; k++) {
            flagged++;
            if (labels[order[k]]) tp++;
            if (k + 1 < order.length && scores[order[k + 1]] == scores[order[k]]) continue; // a threshold flags all tied scores
            double f1 = 2.0 * tp / (flagged + positives);
            if (f1 > bestF1) {
                bestF1 = f1;
                best = scores[order[k]];
            }
        }
        return best;
    }

    static Double rocAuc(double[] scores, boolean[] labels) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSum = 0;
        long pos = 0;
        for (int i = 0; i < order.length; ) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) j++;
            double rank = (i + j) / 2.0 + 1; // average rank of the tie group
            for (int k = i; k <= j; k++) {
                if (labels[order[k]]) {
                    rankSum += rank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = scores.length - pos;
        if (pos == 0 || neg == 0) return null;
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /** Six significant digits: enough to compare runs, short enough to read. */
    public static double round(double v) {
        if (v == 0 || !Double.isFinite(v)) return v;
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).doubleValue();
    }
}
