package dev.recur.task;

import dev.recur.ConfigException;
import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.data.CsvTable;
import dev.recur.data.DataException;
import dev.recur.data.IdxFile;
import dev.recur.io.json.JsonValues;
import dev.recur.loss.CrossEntropy;
import dev.recur.loss.SquaredHinge;
import dev.recur.model.ModelConfig;
import dev.recur.model.SequenceModel;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sequence classification: each example is {@code steps} steps of {@code features} values and one
 * label in {@code 0 .. classes - 1}; the model reads the sequence and its last step is classified,
 * by a softmax head (cross-entropy) or a linear SVM head (squared hinge, one-vs-rest). Metrics:
 * accuracy, macro F1, per-class F1 and the confusion matrix (rows: true class, columns: predicted).
 *
 * <p>Data: IDX images read row by row (28 steps of 28 pixels) or pixel by pixel (784 steps of 1),
 * scaled to [0, 1]; the test set is the matching {@code t10k} file when the data is a {@code train}
 * file, and the last 10% of the training file validates. Or a CSV with a label column and one
 * column per step, split 70/15/15 after a fixed shuffle, standardised with the training part's mean and deviation.
 */
public final class ClassifyTask implements Task {
    private final float[] x;     // examples × steps × features
    private final int[] y;
    private final int steps, features, classes;
    private final int[] train, validation, test;
    private final String headKind;
    private final Map<String, Object> description;

    private ClassifyTask(float[] x, int[] y, int steps, int features, int classes, int[] train, int[] validation, int[] test,
                         String headKind, Map<String, Object> description) {
        this.x = x;
        this.y = y;
        this.steps = steps;
        this.features = features;
        this.classes = classes;
        this.train = train;
        this.validation = validation;
        this.test = test;
        this.headKind = headKind == null ? "softmax" : headKind;
        if (!this.headKind.equals("softmax") && !this.headKind.equals("svm")) {
            throw new ConfigException("classify takes a softmax or svm head, not '" + headKind + "'");
        }
        this.description = description;
    }

    /**
     * From IDX images: {@code mode} "row" or "pixel"; at most {@code trainLimit} training and
     * {@code testLimit} test images (0: all).
     */
    public static ClassifyTask fromIdx(Path images, String mode, int trainLimit, int testLimit, String headKind) {
        if (!mode.equals("row") && !mode.equals("pixel")) throw new ConfigException("--pixels must be row or pixel, got '" + mode + "'");
        Path labels = labelsOf(images);
        IdxFile img = IdxFile.read(images), lab = IdxFile.read(labels);
        checkPair(images, img, labels, lab);
        String name = images.getFileName().toString();
        Path testImages = name.contains("train") ? images.resolveSibling(name.replace("train", "t10k")) : null;
        boolean separateTest = testImages != null && Files.exists(testImages);
        int nTrainAll = trainLimit > 0 ? Math.min(trainLimit, img.count()) : img.count();
        IdxFile timg = null, tlab = null;
        int nTest;
        if (separateTest) {
            timg = IdxFile.read(testImages);
            tlab = IdxFile.read(labelsOf(testImages));
            checkPair(testImages, timg, labelsOf(testImages), tlab);
            if (timg.itemSize() != img.itemSize()) throw new DataException(testImages.toString(), "images differ in size from " + images);
            nTest = testLimit > 0 ? Math.min(testLimit, timg.count()) : timg.count();
        } else {
            nTest = nTrainAll / 10;
            nTrainAll -= nTest;
        }
        int size = img.itemSize(), n = nTrainAll + nTest;
        if (nTrainAll < 10 || nTest < 1) throw new DataException(images.toString(), "too few images: " + img.count());
        float[] x = new float[n * size];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            boolean isTest = i >= nTrainAll;
            IdxFile si = isTest && separateTest ? timg : img, sl = isTest && separateTest ? tlab : lab;
            int k = isTest && separateTest ? i - nTrainAll : i;
            for (int j = 0; j < size; j++) x[i * size + j] = si.get(k * size + j) / 255f;
            y[i] = sl.get(k);
        }
        int classes = 0;
        for (int v : y) classes = Math.max(classes, v + 1);
        int nVal = Math.max(1, nTrainAll / 10);
        int[] tr = range(0, nTrainAll - nVal), va = range(nTrainAll - nVal, nTrainAll), te = range(nTrainAll, n);
        int width = img.shape().length >= 3 ? img.shape()[img.shape().length - 1] : size;
        int steps = mode.equals("row") ? size / width : size, features = mode.equals("row") ? width : 1;
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", "classify");
        d.put("source", "idx");
        d.put("pixels", mode);
        d.put("steps", (long) steps);
        d.put("features", (long) features);
        d.put("classes", (long) Math.max(classes, 2));
        d.put("train_examples", (long) trainLimit);
        d.put("test_examples", (long) testLimit);
        d.put("head", headKind == null ? "softmax" : headKind);
        return new ClassifyTask(x, y, steps, features, Math.max(classes, 2), tr, va, te, headKind, d);
    }

    private static Path labelsOf(Path images) {
        String n = images.getFileName().toString();
        if (!n.contains("images-idx3")) throw new DataException(images.toString(), "expected an IDX image file named like train-images-idx3-ubyte(.gz), with its labels beside it");
        Path labels = images.resolveSibling(n.replace("images-idx3", "labels-idx1"));
        if (!Files.exists(labels)) throw new dev.recur.io.FileAccessException(labels, "label file not found beside " + images.getFileName());
        return labels;
    }

    private static void checkPair(Path images, IdxFile img, Path labels, IdxFile lab) {
        if (lab.itemSize() != 1 || lab.count() != img.count()) {
            throw new DataException(labels.toString(), lab.count() + " labels for " + img.count() + " images in " + images.getFileName());
        }
    }

    /** From a CSV: the {@code label} column holds integer classes, every other column is one step. */
    public static ClassifyTask fromCsv(CsvTable table, String label, String headKind, double[] scale) {
        double[] labels = table.numbers(label);
        List<String> cols = new ArrayList<>(table.header());
        cols.remove(label);
        if (cols.isEmpty()) throw new DataException(table.source(), "no step columns besides '" + label + "'");
        int n = table.rows(), steps = cols.size();
        if (n < 10) throw new DataException(table.source(), n + " rows are too few to split into training, validation and test (need at least 10)");
        float[] x = new float[n * steps];
        for (int c = 0; c < steps; c++) {
            double[] v = table.numbers(cols.get(c));
            for (int i = 0; i < n; i++) x[i * steps + c] = (float) v[i];
        }
        int[] y = new int[n];
        int classes = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] != Math.rint(labels[i]) || labels[i] < 0 || labels[i] > 10000) {
                throw new DataException(table.source(), "row " + (i + 1) + ": label " + labels[i] + " is not a class number 0, 1, 2, ...");
            }
            y[i] = (int) labels[i];
            classes = Math.max(classes, y[i] + 1);
        }
        int[] perm = new Rng(0x5eed).permutation(n); // a fixed shuffle, so that eval sees the same split
        int nTrain = (int) Math.round(n * 0.7), nVal = (int) Math.round(n * 0.15);
        int[] tr = java.util.Arrays.copyOfRange(perm, 0, nTrain), va = java.util.Arrays.copyOfRange(perm, nTrain, nTrain + nVal),
                te = java.util.Arrays.copyOfRange(perm, nTrain + nVal, n);
        if (scale == null) {
            double s = 0, ss = 0;
            for (int i : tr) for (int t = 0; t < steps; t++) s += x[i * steps + t];
            double mean = s / ((double) tr.length * steps);
            for (int i : tr) for (int t = 0; t < steps; t++) ss += Math.pow(x[i * steps + t] - mean, 2);
            double sd = Math.sqrt(ss / ((double) tr.length * steps));
            scale = new double[] {mean, sd > 1e-12 ? sd : 1};
        }
        for (int i = 0; i < x.length; i++) x[i] = (float) ((x[i] - scale[0]) / scale[1]);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", "classify");
        d.put("source", "csv");
        d.put("label", label);
        d.put("steps", (long) steps);
        d.put("features", 1L);
        d.put("classes", (long) Math.max(classes, 2));
        d.put("mean", scale[0]);
        d.put("std", scale[1]);
        d.put("head", headKind == null ? "softmax" : headKind);
        return new ClassifyTask(x, y, steps, 1, Math.max(classes, 2), tr, va, te, headKind, d);
    }

    /** The task a model file describes, on data given now. */
    public static ClassifyTask fromJson(Map<String, Object> m, Path data, String source) {
        String head = JsonValues.string(m, "head", source);
        if (JsonValues.string(m, "source", source).equals("idx")) {
            return fromIdx(data, JsonValues.string(m, "pixels", source), (int) JsonValues.integer(m, "train_examples", source),
                    (int) JsonValues.integer(m, "test_examples", source), head);
        }
        return fromCsv(CsvTable.read(data), JsonValues.string(m, "label", source), head,
                new double[] {JsonValues.number(m, "mean", source), JsonValues.number(m, "std", source)});
    }

    /**
     * The data to predict for with a model trained on {@code m}: as {@link #fromJson}, except that
     * a CSV needs no label column (new data has none; where it has one, it is checked and
     * echoed) and no minimum row count, and its step columns must be the ones the model was
     * trained on; values are scaled with the training data's mean and deviation.
     */
    public static ClassifyTask forPrediction(Map<String, Object> m, Path data, String source) {
        if (JsonValues.string(m, "source", source).equals("idx")) return fromJson(m, data, source);
        CsvTable table = CsvTable.read(data);
        String label = JsonValues.string(m, "label", source);
        int steps = (int) JsonValues.integer(m, "steps", source), classes = (int) JsonValues.integer(m, "classes", source);
        List<String> cols = new ArrayList<>(table.header());
        boolean labelled = cols.remove(label);
        if (cols.size() != steps) {
            throw new DataException(table.source(), "expected " + steps + " step columns besides '" + label
                    + "' (as in the training data), found " + cols.size());
        }
        int n = table.rows();
        double mean = JsonValues.number(m, "mean", source), std = JsonValues.number(m, "std", source);
        float[] x = new float[n * steps];
        for (int c = 0; c < steps; c++) {
            double[] v = table.numbers(cols.get(c));
            // rounded to float first, as in training, so that the same rows give the same bits
            for (int i = 0; i < n; i++) x[i * steps + c] = (float) (((float) v[i] - mean) / std);
        }
        int[] y = new int[n];
        java.util.Arrays.fill(y, -1);
        if (labelled) {
            double[] labels = table.numbers(label);
            for (int i = 0; i < n; i++) {
                if (labels[i] != Math.rint(labels[i]) || labels[i] < 0 || labels[i] >= classes) {
                    throw new DataException(table.source(), "row " + (i + 1) + ": label " + labels[i]
                            + " is not one of the model's classes 0.." + (classes - 1));
                }
                y[i] = (int) labels[i];
            }
        }
        return new ClassifyTask(x, y, steps, 1, classes, new int[0], new int[0], range(0, n),
                JsonValues.string(m, "head", source), m);
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }

    @Override
    public String name() {
        return "classify";
    }

    @Override
    public ModelConfig.Input input() {
        return ModelConfig.Input.real(features);
    }

    @Override
    public ModelConfig.Head head(String kind) {
        if (kind != null && !kind.equals(headKind)) throw new ConfigException("this task was set up for a " + headKind + " head");
        return new ModelConfig.Head(headKind, classes);
    }

    @Override
    public int stepsPerExample() {
        return steps;
    }

    @Override
    public int trainExamples() {
        return train.length;
    }

    private Var inputs(int[] rows) {
        int b = rows.length;
        float[] in = new float[steps * b * features];
        for (int j = 0; j < b; j++) {
            int base = rows[j] * steps * features;
            for (int t = 0; t < steps; t++) System.arraycopy(x, base + t * features, in, (t * b + j) * features, features);
        }
        return Var.constant(Tensor.of(in, steps, b, features));
    }

    @Override
    public Var loss(SequenceModel model, int[] examples) {
        int[] rows = new int[examples.length], labels = new int[examples.length];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = train[examples[i]];
            labels[i] = y[rows[i]];
        }
        Var scores = model.forward(inputs(rows), null);
        return headKind.equals("svm") ? SquaredHinge.oneVsRest().apply(scores, labels, null) : new CrossEntropy().apply(scores, labels, null);
    }

    /** Class scores (rows × classes) of the given examples, without gradients. */
    public float[][] scores(SequenceModel model, int[] rows) {
        float[][] out = new float[rows.length][];
        boolean was = model.isTraining();
        model.eval();
        try (GradMode.Scope g = GradMode.off()) {
            for (int from = 0; from < rows.length; from += 500) {
                int[] chunk = java.util.Arrays.copyOfRange(rows, from, Math.min(rows.length, from + 500));
                float[] s = model.forward(inputs(chunk), null).value().contiguous().toArray();
                for (int i = 0; i < chunk.length; i++) out[from + i] = java.util.Arrays.copyOfRange(s, i * classes, (i + 1) * classes);
            }
        } finally {
            model.train(was);
        }
        return out;
    }

    @Override
    public Map<String, Object> evaluate(SequenceModel model, Split split) {
        int[] rows = switch (split) {
            case TRAIN -> train;
            case VALIDATION -> validation;
            case TEST -> test;
        };
        float[][] s = scores(model, rows);
        int[] truth = new int[rows.length], predicted = new int[rows.length];
        double loss = 0;
        for (int i = 0; i < rows.length; i++) {
            truth[i] = y[rows[i]];
            predicted[i] = argmax(s[i]);
            loss += headKind.equals("svm") ? hinge(s[i], truth[i]) : crossEntropy(s[i], truth[i]);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", Metrics.round(loss / rows.length));
        m.putAll(Metrics.classification(truth, predicted, classes));
        return m;
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    private static double crossEntropy(float[] logits, int label) {
        double max = logits[argmax(logits)], sum = 0;
        for (float l : logits) sum += Math.exp(l - max);
        return Math.log(sum) + max - logits[label];
    }

    private static double hinge(float[] scores, int label) {
        double sum = 0;
        for (int k = 0; k < scores.length; k++) {
            double target = k == label ? 1 : -1, m = Math.max(0, 1 - target * scores[k]);
            sum += m * m;
        }
        return sum; // summed over classes, as SquaredHinge.oneVsRest() trains

    }

    @Override
    public Map<String, Object> baselines() {
        int[] counts = new int[classes];
        for (int i : train) counts[y[i]]++;
        int majority = argmax(toFloat(counts));
        int[] truth = new int[test.length], predicted = new int[test.length];
        for (int i = 0; i < test.length; i++) {
            truth[i] = y[test[i]];
            predicted[i] = majority;
        }
        Map<String, Object> m = Metrics.classification(truth, predicted, classes);
        Map<String, Object> b = new LinkedHashMap<>();
        Map<String, Object> majorityMetrics = new LinkedHashMap<>();
        majorityMetrics.put("accuracy", m.get("accuracy"));
        majorityMetrics.put("macro_f1", m.get("macro_f1"));
        b.put("majority_class", majorityMetrics);
        return b;
    }

    private static float[] toFloat(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = v[i];
        return f;
    }

    /**
     * Every example of the data: CSV rows {@code example,label,predicted,score_0..} for recur
     * predict; without the label column where the data had none.
     */
    public String predictCsv(SequenceModel model) {
        int[] all = range(0, y.length);
        float[][] s = scores(model, all);
        boolean labelled = y.length == 0 || y[0] >= 0; // unlabelled data has -1 in every row
        StringBuilder sb = new StringBuilder(labelled ? "example,label,predicted" : "example,predicted");
        for (int k = 0; k < classes; k++) sb.append(",score_").append(k);
        sb.append('\n');
        for (int i = 0; i < all.length; i++) {
            sb.append(i).append(',');
            if (labelled) sb.append(y[i]).append(',');
            sb.append(argmax(s[i]));
            for (float v : s[i]) sb.append(',').append(v);
            sb.append('\n');
        }
        return sb.toString();
    }

    @Override
    public String selectionMetric() {
        return "accuracy";
    }

    @Override
    public boolean lowerIsBetter() {
        return false;
    }

    @Override
    public Map<String, Object> toJson() {
        return description;
    }
}
