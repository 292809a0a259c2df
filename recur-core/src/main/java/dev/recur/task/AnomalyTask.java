package dev.recur.task;

import dev.recur.ConfigException;
import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.data.CsvTable;
import dev.recur.data.DataException;
import dev.recur.io.json.JsonValues;
import dev.recur.loss.Mse;
import dev.recur.model.ModelConfig;
import dev.recur.model.SequenceModel;
import dev.recur.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Anomaly detection by forecasting error: the model predicts each row's features from the
 * {@code context} rows before it; a row's anomaly score is its mean squared standardised error.
 * The rows are split chronologically (fractions {@code split[0]} for training, {@code split[1]} for
 * validation, the rest for test); the threshold is the one that maximises F1 on validation (just
 * above the highest validation score when validation has no labelled anomaly), and precision,
 * recall, F1 and ROC-AUC are reported on test. The baseline scores rows by their largest absolute
 * z-score over the features (training mean and deviation), thresholded the same way. Labels are
 * used only to choose thresholds and to score, never to train.
 */
public final class AnomalyTask implements Task {
    private final float[] x;          // rows × features, standardised
    private final boolean[] labels;
    private final int rows, features, context, trainEnd, validationEnd;
    private final double[] mean, std;
    private final List<String> columns;
    private final String labelColumn;
    private final double[] split;

    public AnomalyTask(CsvTable table, List<String> columns, String labelColumn, int context, double[] split, double[][] scale) {
        if (context < 1) throw new ConfigException("--context must be >= 1, got " + context);
        if (split.length != 2 || !(split[0] > 0) || !(split[1] > 0) || split[0] + split[1] >= 1) {
            throw new ConfigException("--split must be two fractions TRAIN,VALIDATION with a sum below 1, e.g. 0.5,0.25");
        }
        this.columns = List.copyOf(columns);
        this.labelColumn = labelColumn;
        this.context = context;
        this.split = split.clone();
        rows = table.rows();
        features = columns.size();
        double[] lab = table.numbers(labelColumn);
        labels = new boolean[rows];
        for (int i = 0; i < rows; i++) {
            if (lab[i] != 0 && lab[i] != 1) throw new DataException(table.source(), "label column '" + labelColumn + "' row " + (i + 1) + " is " + lab[i] + ", expected 0 or 1");
            labels[i] = lab[i] == 1;
        }
        trainEnd = (int) Math.round(rows * split[0]);
        validationEnd = (int) Math.round(rows * (split[0] + split[1]));
        if (trainEnd < context + 2 || validationEnd - trainEnd < 2 || rows - validationEnd < 2) {
            throw new DataException(table.source(), rows + " rows are too few for context " + context + " and split " + split[0] + "," + split[1]);
        }
        double[][] raw = new double[features][];
        for (int f = 0; f < features; f++) raw[f] = table.numbers(columns.get(f));
        mean = new double[features];
        std = new double[features];
        for (int f = 0; f < features; f++) {
            if (scale != null) {
                mean[f] = scale[0][f];
                std[f] = scale[1][f];
                continue;
            }
            double s = 0, ss = 0;
            for (int i = 0; i < trainEnd; i++) s += raw[f][i];
            mean[f] = s / trainEnd;
            for (int i = 0; i < trainEnd; i++) ss += Math.pow(raw[f][i] - mean[f], 2);
            double sd = Math.sqrt(ss / trainEnd);
            std[f] = sd > 1e-12 ? sd : 1;
        }
        x = new float[rows * features];
        for (int i = 0; i < rows; i++) for (int f = 0; f < features; f++) x[i * features + f] = (float) ((raw[f][i] - mean[f]) / std[f]);
    }

    /** The default feature columns: all but the label and the columns that name or number rows (time, date, index, reading, *_id). */
    public static List<String> defaultColumns(CsvTable table, String labelColumn) {
        List<String> out = new ArrayList<>();
        for (String h : table.header()) {
            String l = h.toLowerCase(Locale.ROOT);
            if (h.equals(labelColumn) || List.of("time", "date", "index", "reading", "timestamp").contains(l) || l.endsWith("_id")) continue;
            out.add(h);
        }
        if (out.isEmpty()) throw new DataException(table.source(), "no feature columns besides '" + labelColumn + "'; name them with --target");
        return out;
    }

    public static AnomalyTask fromJson(Map<String, Object> m, CsvTable table, String source) {
        List<String> cols = new ArrayList<>();
        for (Object o : JsonValues.array(m.get("columns"), source, "\"columns\"")) cols.add(String.valueOf(o));
        List<Object> sp = JsonValues.array(m.get("split"), source, "\"split\""), mu = JsonValues.array(m.get("mean"), source, "\"mean\""),
                sd = JsonValues.array(m.get("std"), source, "\"std\"");
        double[][] scale = new double[2][cols.size()];
        for (int f = 0; f < cols.size(); f++) {
            scale[0][f] = ((Number) mu.get(f)).doubleValue();
            scale[1][f] = ((Number) sd.get(f)).doubleValue();
        }
        return new AnomalyTask(table, cols, JsonValues.string(m, "label", source), (int) JsonValues.integer(m, "context", source),
                new double[] {((Number) sp.get(0)).doubleValue(), ((Number) sp.get(1)).doubleValue()}, scale);
    }

    @Override
    public String name() {
        return "anomaly";
    }

    @Override
    public ModelConfig.Input input() {
        return ModelConfig.Input.real(features);
    }

    @Override
    public ModelConfig.Head head(String kind) {
        if (kind != null && !kind.equals("regression")) throw new ConfigException("anomaly takes a regression head, not '" + kind + "'");
        return new ModelConfig.Head("regression", features);
    }

    @Override
    public int stepsPerExample() {
        return context;
    }

    /** Training targets are rows context .. trainEnd - 1. */
    @Override
    public int trainExamples() {
        return trainEnd - context;
    }

    private Var inputs(int[] targetsRows) {
        int b = targetsRows.length;
        float[] in = new float[context * b * features];
        for (int j = 0; j < b; j++) {
            int start = targetsRows[j] - context;
            for (int t = 0; t < context; t++) System.arraycopy(x, (start + t) * features, in, (t * b + j) * features, features);
        }
        return Var.constant(Tensor.of(in, context, b, features));
    }

    private Var targets(int[] targetRows) {
        float[] y = new float[targetRows.length * features];
        for (int j = 0; j < targetRows.length; j++) System.arraycopy(x, targetRows[j] * features, y, j * features, features);
        return Var.constant(Tensor.of(y, targetRows.length, features));
    }

    @Override
    public Var loss(SequenceModel model, int[] examples) {
        int[] rowsOf = new int[examples.length];
        for (int i = 0; i < rowsOf.length; i++) rowsOf[i] = context + examples[i];
        return new Mse().apply(model.forward(inputs(rowsOf), null), targets(rowsOf), null);
    }

    private int[] rowsOf(Split s) {
        int from = switch (s) {
            case TRAIN -> context;
            case VALIDATION -> trainEnd;
            case TEST -> validationEnd;
        };
        int to = switch (s) {
            case TRAIN -> trainEnd;
            case VALIDATION -> validationEnd;
            case TEST -> rows;
        };
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }

    /** Anomaly scores of the given rows: mean squared standardised forecasting error. */
    public double[] scores(SequenceModel model, int[] targetRows) {
        double[] out = new double[targetRows.length];
        boolean was = model.isTraining();
        model.eval();
        try (GradMode.Scope g = GradMode.off()) {
            for (int from = 0; from < targetRows.length; from += 512) {
                int[] chunk = java.util.Arrays.copyOfRange(targetRows, from, Math.min(targetRows.length, from + 512));
                float[] p = model.forward(inputs(chunk), null).value().contiguous().toArray();
                for (int j = 0; j < chunk.length; j++) {
                    double e = 0;
                    for (int f = 0; f < features; f++) e += Math.pow(p[j * features + f] - x[chunk[j] * features + f], 2);
                    out[from + j] = e / features;
                }
            }
        } finally {
            model.train(was);
        }
        return out;
    }

    private boolean[] labelsOf(int[] r) {
        boolean[] l = new boolean[r.length];
        for (int i = 0; i < r.length; i++) l[i] = labels[r[i]];
        return l;
    }

    private double[] zScores(int[] r) {
        double[] s = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            for (int f = 0; f < features; f++) s[i] = Math.max(s[i], Math.abs(x[r[i] * features + f]));
        }
        return s;
    }

    @Override
    public Map<String, Object> evaluate(SequenceModel model, Split split) {
        int[] val = rowsOf(Split.VALIDATION);
        double[] valScores = scores(model, val);
        int[] r = split == Split.VALIDATION ? val : rowsOf(split);
        double[] s = split == Split.VALIDATION ? valScores : scores(model, r);
        double threshold = Metrics.bestThreshold(valScores, labelsOf(val));
        Map<String, Object> m = new LinkedHashMap<>();
        double loss = 0;
        for (double v : s) loss += v;
        m.put("loss", Metrics.round(loss / s.length));
        m.putAll(Metrics.detection(s, labelsOf(r), threshold));
        m.put("threshold", Metrics.round(threshold));
        return m;
    }

    @Override
    public Map<String, Object> baselines() {
        int[] val = rowsOf(Split.VALIDATION), test = rowsOf(Split.TEST);
        double threshold = Metrics.bestThreshold(zScores(val), labelsOf(val));
        Map<String, Object> m = new LinkedHashMap<>(Metrics.detection(zScores(test), labelsOf(test), threshold));
        m.put("threshold", Metrics.round(threshold));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("z_score", m);
        return b;
    }

    @Override
    public String selectionMetric() {
        return "loss";
    }

    @Override
    public boolean lowerIsBetter() {
        return true;
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name());
        m.put("columns", new ArrayList<Object>(columns));
        m.put("label", labelColumn);
        m.put("context", (long) context);
        m.put("split", List.of(split[0], split[1]));
        List<Object> mu = new ArrayList<>(), sd = new ArrayList<>();
        for (int f = 0; f < features; f++) {
            mu.add(mean[f]);
            sd.add(std[f]);
        }
        m.put("mean", mu);
        m.put("std", sd);
        return m;
    }

    /** Every row's score and flag (rows without a full context have no score), for recur predict. */
    public String predictCsv(SequenceModel model) {
        int[] val = rowsOf(Split.VALIDATION);
        double threshold = Metrics.bestThreshold(scores(model, val), labelsOf(val));
        int[] all = new int[rows - context];
        for (int i = 0; i < all.length; i++) all[i] = context + i;
        double[] s = scores(model, all);
        StringBuilder sb = new StringBuilder("row,score,anomaly\n");
        for (int i = 0; i < all.length; i++) sb.append(all[i] + 1).append(',').append((float) s[i]).append(',').append(s[i] >= threshold ? 1 : 0).append('\n');
        return sb.toString();
    }
}
