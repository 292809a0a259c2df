package dev.recur.task;

import dev.recur.ConfigException;
import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.data.DataException;
import dev.recur.io.json.JsonValues;
import dev.recur.loss.Mse;
import dev.recur.model.ModelConfig;
import dev.recur.model.SequenceModel;
import dev.recur.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Univariate forecasting: from the last {@code context} values, predict the next {@code horizon}
 * values at once (one regression output per step ahead, read from the model's last step). The
 * series is split chronologically, 70% / 15% / 15%; a forecast origin belongs to the split its
 * targets fall in, and its context may reach back into the earlier split, as it would in use.
 * Values are standardised with the mean and deviation of the training part only. Metrics are on
 * the original scale: MAE, RMSE, sMAPE over every origin and step ahead; the baselines are the
 * naive forecast (the last value, repeated) and the seasonal naive forecast (the value one
 * {@code season} earlier).
 */
public final class ForecastTask implements Task {
    public static final double TRAIN_FRACTION = 0.70, VALIDATION_FRACTION = 0.15;

    private final double[] series;
    private final int context, horizon, season;
    private final double mean, std;
    private final int trainEnd, validationEnd;

    /** {@code source} names the data in errors. */
    public ForecastTask(double[] series, String source, int context, int horizon, int season) {
        this(series, source, context, horizon, season, null);
    }

    /** With {@code scale} = {mean, std} fixed (a trained model's), or null to fit it on the training part. */
    private ForecastTask(double[] series, String source, int context, int horizon, int season, double[] scale) {
        if (context < 1) throw new ConfigException("--context must be >= 1, got " + context);
        if (horizon < 1) throw new ConfigException("--horizon must be >= 1, got " + horizon);
        if (season < 1) throw new ConfigException("--season must be >= 1, got " + season);
        this.series = series.clone();
        this.context = context;
        this.horizon = horizon;
        this.season = season;
        int n = series.length;
        trainEnd = (int) Math.round(n * TRAIN_FRACTION);
        validationEnd = (int) Math.round(n * (TRAIN_FRACTION + VALIDATION_FRACTION));
        if (!fits(n, context, horizon, season)) {
            int needed = n;
            while (!fits(needed, context, horizon, season)) needed++;
            throw new DataException(source, n + " rows are too few for context " + context + ", horizon " + horizon
                    + " and season " + season + " (need at least " + needed + ")");
        }
        if (scale != null) {
            mean = scale[0];
            std = scale[1];
        } else {
            double[] fitted = standardisation(series, trainEnd);
            mean = fitted[0];
            std = fitted[1];
        }
    }

    /** Whether n values give every split at least one forecast origin. */
    private static boolean fits(int n, int context, int horizon, int season) {
        int trainEnd = (int) Math.round(n * TRAIN_FRACTION), validationEnd = (int) Math.round(n * (TRAIN_FRACTION + VALIDATION_FRACTION));
        return trainEnd - Math.max(context, season) - horizon + 1 >= 1 && validationEnd - trainEnd >= horizon && n - validationEnd >= horizon;
    }

    /** Mean and standard deviation of the first {@code n} values (1 for a constant series, so that it is not divided by 0). */
    private static double[] standardisation(double[] series, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += series[i];
        double mean = s / n, v = 0;
        for (int i = 0; i < n; i++) v += (series[i] - mean) * (series[i] - mean);
        double sd = Math.sqrt(v / n);
        return new double[] {mean, sd > 1e-12 ? sd : 1};
    }

    /** Rebuilds the task a model file describes, on (possibly new) data: the stored normalisation is kept. */
    public static ForecastTask fromJson(Map<String, Object> m, double[] series, String source) {
        return new ForecastTask(series, source, (int) JsonValues.integer(m, "context", source),
                (int) JsonValues.integer(m, "horizon", source), (int) JsonValues.integer(m, "season", source),
                new double[] {JsonValues.number(m, "mean", source), JsonValues.number(m, "std", source)});
    }

    /**
     * The forecast of the {@code horizon} values after the end of {@code series}, from its last
     * {@code context} values, with a trained model's normalisation: CSV rows {@code step,forecast}.
     */
    public static String predictCsv(SequenceModel model, Map<String, Object> m, double[] series, String source) {
        int context = (int) JsonValues.integer(m, "context", source), horizon = (int) JsonValues.integer(m, "horizon", source);
        if (series.length < context) {
            throw new DataException(source, series.length + " rows are too few: the model reads the last " + context);
        }
        double mean = JsonValues.number(m, "mean", source), std = JsonValues.number(m, "std", source);
        float[] x = new float[context];
        for (int t = 0; t < context; t++) x[t] = (float) ((series[series.length - context + t] - mean) / std);
        float[] p;
        model.eval();
        try (GradMode.Scope g = GradMode.off()) {
            p = model.forward(Var.constant(Tensor.of(x, context, 1, 1)), null).value().contiguous().toArray();
        }
        StringBuilder sb = new StringBuilder("step,forecast\n");
        for (int h = 0; h < horizon; h++) sb.append(h + 1).append(',').append((float) (p[h] * std + mean)).append('\n');
        return sb.toString();
    }

    @Override
    public String name() {
        return "forecast";
    }

    @Override
    public ModelConfig.Input input() {
        return ModelConfig.Input.real(1);
    }

    @Override
    public ModelConfig.Head head(String kind) {
        if (kind != null && !kind.equals("regression")) throw new ConfigException("forecast takes a regression head, not '" + kind + "'");
        return new ModelConfig.Head("regression", horizon);
    }

    public int context() {
        return context;
    }

    public int horizon() {
        return horizon;
    }

    // Origins: the index of the last input value. Training origins have all targets before trainEnd.
    private int firstOrigin(Split split) {
        return switch (split) {
            case TRAIN -> Math.max(context, season) - 1;
            case VALIDATION -> trainEnd - 1;
            case TEST -> validationEnd - 1;
        };
    }

    private int origins(Split split) {
        int end = switch (split) {
            case TRAIN -> trainEnd;
            case VALIDATION -> validationEnd;
            case TEST -> series.length;
        };
        return end - horizon - firstOrigin(split);
    }

    @Override
    public int stepsPerExample() {
        return context;
    }

    @Override
    public int trainExamples() {
        return origins(Split.TRAIN);
    }

    private double norm(double v) {
        return (v - mean) / std;
    }

    /** Contexts (T, B, 1) of the given origins, standardised. */
    private Var inputs(int[] origins) {
        int b = origins.length;
        float[] x = new float[context * b];
        for (int j = 0; j < b; j++) {
            int start = origins[j] - context + 1;
            for (int t = 0; t < context; t++) x[t * b + j] = (float) norm(start + t >= 0 ? series[start + t] : series[0]);
        }
        return Var.constant(Tensor.of(x, context, b, 1));
    }

    private Var targets(int[] origins) {
        float[] y = new float[origins.length * horizon];
        for (int j = 0; j < origins.length; j++) {
            for (int h = 0; h < horizon; h++) y[j * horizon + h] = (float) norm(series[origins[j] + 1 + h]);
        }
        return Var.constant(Tensor.of(y, origins.length, horizon));
    }

    @Override
    public Var loss(SequenceModel model, int[] examples) {
        int[] origins = new int[examples.length];
        for (int i = 0; i < examples.length; i++) origins[i] = firstOrigin(Split.TRAIN) + examples[i];
        return new Mse().apply(model.forward(inputs(origins), null), targets(origins), null);
    }

    /** The model's forecasts on the original scale for origins {@code origins}, (origins.length × horizon) row-major. */
    public double[] forecast(SequenceModel model, int[] origins) {
        double[] out = new double[origins.length * horizon];
        boolean was = model.isTraining();
        model.eval();
        try (GradMode.Scope g = GradMode.off()) {
            for (int from = 0; from < origins.length; from += 256) {
                int[] chunk = java.util.Arrays.copyOfRange(origins, from, Math.min(origins.length, from + 256));
                float[] p = model.forward(inputs(chunk), null).value().contiguous().toArray();
                for (int i = 0; i < p.length; i++) out[from * horizon + i] = p[i] * std + mean;
            }
        } finally {
            model.train(was);
        }
        return out;
    }

    private int[] originsOf(Split split) {
        int[] o = new int[origins(split)];
        for (int i = 0; i < o.length; i++) o[i] = firstOrigin(split) + i;
        return o;
    }

    private double[] actual(int[] origins) {
        double[] y = new double[origins.length * horizon];
        for (int j = 0; j < origins.length; j++) {
            for (int h = 0; h < horizon; h++) y[j * horizon + h] = series[origins[j] + 1 + h];
        }
        return y;
    }

    @Override
    public Map<String, Object> evaluate(SequenceModel model, Split split) {
        int[] origins = originsOf(split);
        double[] pred = forecast(model, origins), act = actual(origins);
        double mse = 0;
        for (int i = 0; i < pred.length; i++) mse += Math.pow((pred[i] - act[i]) / std, 2);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", Metrics.round(mse / pred.length));
        m.putAll(Metrics.regression(pred, act));
        return m;
    }

    @Override
    public Map<String, Object> baselines() {
        int[] origins = originsOf(Split.TEST);
        double[] act = actual(origins), naive = new double[act.length], seasonal = new double[act.length];
        for (int j = 0; j < origins.length; j++) {
            for (int h = 0; h < horizon; h++) {
                naive[j * horizon + h] = series[origins[j]];
                // the value one season before the target, from the observed part (seasons repeat for h >= season)
                int back = origins[j] + 1 + h - season * ((h / season) + 1);
                seasonal[j * horizon + h] = series[back];
            }
        }
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("naive", Metrics.regression(naive, act));
        b.put("seasonal_naive", Metrics.regression(seasonal, act));
        return b;
    }

    @Override
    public String selectionMetric() {
        return "mae";
    }

    @Override
    public boolean lowerIsBetter() {
        return true;
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name());
        m.put("context", (long) context);
        m.put("horizon", (long) horizon);
        m.put("season", (long) season);
        m.put("mean", mean);
        m.put("std", std);
        return m;
    }
}
