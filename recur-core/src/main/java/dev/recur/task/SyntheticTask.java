package dev.recur.task;

import dev.recur.ConfigException;
import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.io.json.JsonValues;
import dev.recur.loss.CrossEntropy;
import dev.recur.loss.Mse;
import dev.recur.model.ModelConfig;
import dev.recur.model.SequenceModel;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The synthetic tasks, deterministic by seed: {@code mqar} (Zoology's multi-query associative
 * recall), {@code selective-copy} (Mamba's selective copying), {@code parity} and {@code adding}
 * (Hochreiter's adding problem). The training, validation and test examples come from three
 * generators seeded from the data seed, so an evaluation at another {@code --seq-len} draws fresh
 * test examples of that length from the same seed.
 *
 * <p>Parity has two forms. {@code prefix} (the default) labels every step with the parity of the
 * bits so far, as the state-tracking papers (DeltaProduct, "Unlocking state-tracking in linear
 * RNNs through negative eigenvalues") train it: a single label at the end gives one bit of
 * signal per sequence and even a GRU stays at chance. Its {@code accuracy} is still that of the
 * final step (the whole sequence's parity), {@code step_accuracy} that of all steps. {@code final}
 * supervises the last step only (model files written before the prefix form read as final).
 *
 * <p>Tasks labelled at some positions (mqar, selective-copy, prefix parity) compute the head only
 * where there is a label ({@link SequenceModel#forwardTokensAt}).
 */
public final class SyntheticTask implements Task {
    /** Token positions without a label. */
    static final int IGNORE = CrossEntropy.DEFAULT_IGNORE_INDEX;

    /** The parity forms: a label at every step, or at the last step only. */
    public static final java.util.List<String> PARITY_LABELS = java.util.List.of("prefix", "final");

    /** What fills MQAR's positions that hold neither a pair nor a query: any token, or token 0. */
    public static final java.util.List<String> MQAR_FILLS = java.util.List.of("random", "zero");

    private final String kind, parityLabels, mqarFill;
    private final int seqLen, vocab, kvPairs, copyTokens, trainCount, testCount;
    private final long seed;
    private final Examples train, validation, test;

    /** One split's examples: inputs per example in time order (tokens or features), labels per position or per example. */
    private record Examples(int count, int steps, int[] tokens, float[] features, int[] labels, float[] targets) {}

    /** A task with parity's default (prefix) labels. */
    public SyntheticTask(String kind, int seqLen, int vocab, int kvPairs, int copyTokens, int trainCount, int testCount, long seed) {
        this(kind, seqLen, vocab, kvPairs, copyTokens, trainCount, testCount, seed, "prefix", "random");
    }

    /**
     * {@code parityLabels}: {@code prefix} or {@code final} (see the class comment); {@code mqarFill}:
     * {@code random} or {@code zero} (see the generator, mqar); each is ignored by the other tasks.
     */
    public SyntheticTask(String kind, int seqLen, int vocab, int kvPairs, int copyTokens, int trainCount, int testCount, long seed,
                         String parityLabels, String mqarFill) {
        this.kind = kind;
        if (!PARITY_LABELS.contains(parityLabels)) {
            throw new ConfigException("--parity-labels must be prefix or final, got '" + parityLabels + "'");
        }
        this.parityLabels = parityLabels;
        if (!MQAR_FILLS.contains(mqarFill)) throw new ConfigException("--mqar-fill must be random or zero, got '" + mqarFill + "'");
        this.mqarFill = mqarFill;
        this.seqLen = seqLen;
        this.vocab = vocab;
        this.kvPairs = kvPairs;
        this.copyTokens = copyTokens;
        this.trainCount = trainCount;
        this.testCount = testCount;
        this.seed = seed;
        if (trainCount < 1 || testCount < 1) throw new ConfigException("--train-examples and --test-examples must be >= 1");
        switch (kind) {
            case "mqar" -> {
                if (seqLen % 2 != 0) throw new ConfigException("mqar: --seq-len must be even, got " + seqLen);
                if (vocab <= seqLen) throw new ConfigException("mqar: --vocab (" + vocab + ") must exceed --seq-len (" + seqLen + ")");
                if (kvPairs < 1 || kvPairs * 4 > seqLen) throw new ConfigException("mqar: need 1 <= --kv-pairs <= seq-len / 4, got " + kvPairs);
                if (kvPairs > vocab / 2 - 1) throw new ConfigException("mqar: --kv-pairs " + kvPairs + " exceeds the " + (vocab / 2 - 1) + " keys of the vocabulary");
            }
            case "selective-copy" -> {
                if (vocab < 4) throw new ConfigException("selective-copy: --vocab must be >= 4, got " + vocab);
                if (copyTokens < 1 || copyTokens > seqLen) throw new ConfigException("selective-copy: need 1 <= --copy-tokens <= --seq-len");
            }
            case "parity", "adding" -> {
                if (seqLen < 2) throw new ConfigException(kind + ": --seq-len must be >= 2, got " + seqLen);
            }
            default -> throw new ConfigException("unknown synthetic task '" + kind + "'");
        }
        train = generate(trainCount, new Rng(seed * 3 + 1));
        validation = generate(Math.max(1, testCount), new Rng(seed * 3 + 2));
        test = generate(testCount, new Rng(seed * 3 + 3));
    }

    /** The task of a model file, optionally at another sequence length (length extrapolation). */
    public static SyntheticTask fromJson(Map<String, Object> m, Integer seqLen, Integer testCount, String source) {
        return new SyntheticTask(JsonValues.string(m, "name", source),
                seqLen != null ? seqLen : (int) JsonValues.integer(m, "seq_len", source),
                (int) JsonValues.integer(m, "vocab", source), (int) JsonValues.integer(m, "kv_pairs", source),
                (int) JsonValues.integer(m, "copy_tokens", source), (int) JsonValues.integer(m, "train_examples", source),
                testCount != null && testCount > 0 ? testCount : (int) JsonValues.integer(m, "test_examples", source),
                JsonValues.integer(m, "seed", source),
                m.containsKey("parity_labels") ? JsonValues.string(m, "parity_labels", source) : "final",
                m.containsKey("fill") ? JsonValues.string(m, "fill", source) : "random");
    }

    private boolean tokens() {
        return !kind.equals("adding");
    }

    /** Whether labels are per position (some positions may be unlabelled) rather than one per example. */
    private boolean perPosition() {
        return kind.equals("mqar") || kind.equals("selective-copy") || prefixParity();
    }

    private boolean prefixParity() {
        return kind.equals("parity") && parityLabels.equals("prefix");
    }

    /** The classes of the head. */
    private int classes() {
        return kind.equals("parity") ? 2 : vocab;
    }

    private int steps() {
        return kind.equals("selective-copy") ? seqLen + copyTokens : seqLen;
    }

    private int tokenVocab() {
        return kind.equals("parity") ? 2 : vocab;
    }

    private Examples generate(int n, Rng rng) {
        int t = steps();
        int[] tokens = tokens() ? new int[n * t] : null;
        float[] features = tokens() ? null : new float[n * t * 2];
        int[] labels = kind.equals("adding") ? null : new int[perPosition() ? n * t : n];
        float[] targets = kind.equals("adding") ? new float[n] : null;
        for (int e = 0; e < n; e++) {
            switch (kind) {
                case "mqar" -> mqar(rng, tokens, labels, e * t);
                case "selective-copy" -> selectiveCopy(rng, tokens, labels, e * t);
                case "parity" -> {
                    int p = 0;
                    for (int i = 0; i < t; i++) {
                        tokens[e * t + i] = rng.nextInt(2);
                        p ^= tokens[e * t + i];
                        if (prefixParity()) labels[e * t + i] = p;
                    }
                    if (!prefixParity()) labels[e] = p;
                }
                default -> { // adding: values in [0, 1), one marker in each half; the target is the sum of the two marked values
                    int a = rng.nextInt(t / 2), b = t / 2 + rng.nextInt(t - t / 2);
                    double sum = 0;
                    for (int i = 0; i < t; i++) {
                        float v = rng.nextFloat();
                        features[(e * t + i) * 2] = v;
                        if (i == a || i == b) {
                            features[(e * t + i) * 2 + 1] = 1;
                            sum += v;
                        }
                    }
                    targets[e] = (float) sum;
                }
            }
        }
        return new Examples(n, t, tokens, features, labels, targets);
    }

    /**
     * Zoology's {@code multiquery_ar}: keys drawn without replacement from [1, V/2), values from
     * [V/2, V); the pairs k v k v ... come first; each key is queried once, at position
     * {@code 2 kvPairs + 2 gap} where the gaps are drawn without replacement with probability
     * proportional to {@code a · gap^(a-1)}, a = 0.01 (gap counted from 1); the value is the label
     * of the query position; every other position holds a random token of the whole vocabulary
     * ({@code random_non_queries=True}, the default of its generator), or 0 with fill {@code zero}
     * (its Figure 2 configurations).
     */
    private void mqar(Rng rng, int[] tokens, int[] labels, int off) {
        int context = kvPairs * 2, keyVocab = vocab / 2;
        int[] keys = choose(rng, 1, keyVocab, kvPairs), values = choose(rng, keyVocab, vocab, kvPairs);
        int space = (seqLen - context) / 2;
        double[] p = new double[space];
        for (int g = 0; g < space; g++) p[g] = 0.01 * Math.pow(g + 1, 0.01 - 1);
        int[] gaps = chooseWeighted(rng, p, kvPairs);
        java.util.Arrays.fill(labels, off, off + seqLen, IGNORE);
        int[] seq = new int[seqLen];
        for (int i = 0; i < kvPairs; i++) {
            seq[2 * i] = keys[i];
            seq[2 * i + 1] = values[i];
        }
        boolean[] set = new boolean[seqLen];
        for (int i = 0; i < context; i++) set[i] = true;
        for (int i = 0; i < kvPairs; i++) {
            int q = context + 2 * gaps[i];
            seq[q] = keys[i];
            set[q] = true;
            labels[off + q] = values[i];
        }
        boolean random = mqarFill.equals("random");
        for (int i = 0; i < seqLen; i++) tokens[off + i] = set[i] ? seq[i] : random ? rng.nextInt(vocab) : 0;
    }

    /** Mamba's selective copying: data tokens from [1, V-1) at random places among blanks (0), then markers (V-1) where they are to be recalled in order. */
    private void selectiveCopy(Rng rng, int[] tokens, int[] labels, int off) {
        int t = steps(), marker = vocab - 1;
        java.util.Arrays.fill(tokens, off, off + t, 0);
        java.util.Arrays.fill(labels, off, off + t, IGNORE);
        int[] places = choose(rng, 0, seqLen, copyTokens);
        java.util.Arrays.sort(places);
        for (int i = 0; i < copyTokens; i++) {
            int v = 1 + rng.nextInt(vocab - 2);
            tokens[off + places[i]] = v;
            tokens[off + seqLen + i] = marker;
            labels[off + seqLen + i] = v;
        }
    }

    /** {@code n} distinct values of [from, to), in the order drawn. */
    private static int[] choose(Rng rng, int from, int to, int n) {
        int[] pool = new int[to - from];
        for (int i = 0; i < pool.length; i++) pool[i] = from + i;
        for (int i = 0; i < n; i++) {
            int j = i + rng.nextInt(pool.length - i);
            int tmp = pool[i];
            pool[i] = pool[j];
            pool[j] = tmp;
        }
        return java.util.Arrays.copyOf(pool, n);
    }

    /** {@code n} distinct indices drawn one at a time with probability proportional to the remaining weights (numpy's choice without replacement). */
    private static int[] chooseWeighted(Rng rng, double[] w, int n) {
        double[] left = w.clone();
        int[] out = new int[n];
        for (int k = 0; k < n; k++) {
            double total = 0;
            for (double v : left) total += v;
            double u = rng.nextDouble() * total;
            int pick = -1;
            for (int i = 0; i < left.length; i++) {
                if (left[i] == 0) continue;
                pick = i;
                u -= left[i];
                if (u < 0) break;
            }
            out[k] = pick;
            left[pick] = 0;
        }
        return out;
    }

    /** Example {@code e} of the training split: its tokens and labels, per position or the one label (for tests). */
    int[][] trainExample(int e) {
        int t = steps();
        return new int[][] {java.util.Arrays.copyOfRange(train.tokens(), e * t, (e + 1) * t),
                perPosition() ? java.util.Arrays.copyOfRange(train.labels(), e * t, (e + 1) * t) : new int[] {train.labels()[e]}};
    }

    @Override
    public String name() {
        return kind;
    }

    @Override
    public ModelConfig.Input input() {
        return tokens() ? ModelConfig.Input.tokens(tokenVocab()) : ModelConfig.Input.real(2);
    }

    @Override
    public ModelConfig.Head head(String k) {
        if (k != null) throw new ConfigException(kind + " has a fixed head; --head is for classify");
        if (perPosition()) return new ModelConfig.Head("next_token", classes());
        if (kind.equals("parity")) return new ModelConfig.Head("softmax", 2);
        return new ModelConfig.Head("regression", 1);
    }

    @Override
    public int stepsPerExample() {
        return steps();
    }

    @Override
    public int trainExamples() {
        return trainCount;
    }

    /**
     * The labelled positions of a batch, time-major ({@code t * batch + j}, ascending), their labels
     * and their steps {@code t}.
     */
    private record Labelled(int[] positions, int[] labels, int[] steps) {}

    private Labelled labelled(Examples ex, int[] rows) {
        int b = rows.length, t = ex.steps(), n = 0;
        int[] pos = new int[t * b], lab = new int[t * b], at = new int[t * b];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < b; j++) {
                int label = ex.labels()[rows[j] * t + i];
                if (label == IGNORE) continue;
                pos[n] = i * b + j;
                lab[n] = label;
                at[n++] = i;
            }
        }
        return new Labelled(java.util.Arrays.copyOf(pos, n), java.util.Arrays.copyOf(lab, n), java.util.Arrays.copyOf(at, n));
    }

    /** The head's outputs: at the labelled positions (N, K) for per-position tasks, else per example (B, K). */
    private Var forward(SequenceModel model, Examples ex, int[] rows, Labelled labelled) {
        int b = rows.length, t = ex.steps();
        if (tokens()) {
            int[] in = new int[t * b];
            for (int j = 0; j < b; j++) for (int i = 0; i < t; i++) in[i * b + j] = ex.tokens()[rows[j] * t + i];
            return labelled != null ? model.forwardTokensAt(in, t, b, labelled.positions()) : model.forwardTokens(in, t, b);
        }
        float[] in = new float[t * b * 2];
        for (int j = 0; j < b; j++) {
            for (int i = 0; i < t; i++) {
                in[(i * b + j) * 2] = ex.features()[(rows[j] * t + i) * 2];
                in[(i * b + j) * 2 + 1] = ex.features()[(rows[j] * t + i) * 2 + 1];
            }
        }
        return model.forward(Var.constant(Tensor.of(in, t, b, 2)), null);
    }

    /** The mean loss of a batch's outputs. */
    private Var loss(Var out, Examples ex, int[] rows, Labelled labelled) {
        int b = rows.length;
        if (labelled != null) return new CrossEntropy().apply(out, labelled.labels(), null);
        if (kind.equals("parity")) {
            int[] target = new int[b];
            for (int j = 0; j < b; j++) target[j] = ex.labels()[rows[j]];
            return new CrossEntropy().apply(out, target, null);
        }
        float[] target = new float[b];
        for (int j = 0; j < b; j++) target[j] = ex.targets()[rows[j]];
        return new Mse().apply(out, Var.constant(Tensor.of(target, b, 1)), null);
    }

    @Override
    public Var loss(SequenceModel model, int[] examples) {
        Labelled l = perPosition() ? labelled(train, examples) : null;
        return loss(forward(model, train, examples, l), train, examples, l);
    }

    @Override
    public Map<String, Object> evaluate(SequenceModel model, Split split) {
        Examples ex = switch (split) {
            case TRAIN -> train;
            case VALIDATION -> validation;
            case TEST -> test;
        };
        boolean was = model.isTraining();
        model.eval();
        double lossSum = 0, absErr = 0, sqErr = 0;
        long correct = 0, scored = 0, stepCorrect = 0, stepScored = 0;
        // about 32k steps per evaluation batch, so that parity at T = 1024 stays small in memory
        int chunk = Math.max(1, Math.min(250, 32768 / ex.steps()));
        try (GradMode.Scope g = GradMode.off()) {
            for (int from = 0; from < ex.count(); from += chunk) {
                int[] rows = new int[Math.min(chunk, ex.count() - from)];
                for (int i = 0; i < rows.length; i++) rows[i] = from + i;
                Labelled l = perPosition() ? labelled(ex, rows) : null;
                Var out = forward(model, ex, rows, l);
                lossSum += loss(out, ex, rows, l).value().item() * rows.length;
                float[] o = out.value().contiguous().toArray();
                int b = rows.length, k = classes();
                if (prefixParity()) { // accuracy: the last step, the whole sequence's parity; step_accuracy: every step
                    for (int n = 0; n < l.labels().length; n++) {
                        boolean right = (o[2 * n + 1] > o[2 * n] ? 1 : 0) == l.labels()[n];
                        stepScored++;
                        if (right) stepCorrect++;
                        if (l.steps()[n] == ex.steps() - 1) {
                            scored++;
                            if (right) correct++;
                        }
                    }
                } else if (perPosition()) {
                    for (int n = 0; n < l.labels().length; n++) {
                        scored++;
                        if (ClassifyTask.argmax(java.util.Arrays.copyOfRange(o, n * k, (n + 1) * k)) == l.labels()[n]) correct++;
                    }
                } else if (kind.equals("parity")) {
                    for (int j = 0; j < b; j++) {
                        scored++;
                        if ((o[2 * j + 1] > o[2 * j] ? 1 : 0) == ex.labels()[rows[j]]) correct++;
                    }
                } else {
                    for (int j = 0; j < b; j++) {
                        double d = o[j] - ex.targets()[rows[j]];
                        absErr += Math.abs(d);
                        sqErr += d * d;
                        scored++;
                        if (Math.abs(d) < 0.04) correct++;
                    }
                }
            }
        } finally {
            model.train(was);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", Metrics.round(lossSum / ex.count()));
        m.put("accuracy", Metrics.round((double) correct / scored));
        if (prefixParity()) m.put("step_accuracy", Metrics.round((double) stepCorrect / stepScored));
        if (kind.equals("adding")) {
            m.put("mae", Metrics.round(absErr / scored));
            m.put("rmse", Metrics.round(Math.sqrt(sqErr / scored)));
        }
        return m;
    }

    @Override
    public Map<String, Object> baselines() {
        Map<String, Object> b = new LinkedHashMap<>();
        if (kind.equals("adding")) { // always answer 1, the expected sum
            double abs = 0, sq = 0;
            long close = 0;
            for (float t : test.targets()) {
                abs += Math.abs(t - 1);
                sq += (t - 1) * (t - 1);
                if (Math.abs(t - 1) < 0.04) close++;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("accuracy", Metrics.round((double) close / test.count()));
            m.put("mae", Metrics.round(abs / test.count()));
            m.put("rmse", Metrics.round(Math.sqrt(sq / test.count())));
            b.put("constant_1", m);
        } else {
            double chance = kind.equals("parity") ? 0.5 : kind.equals("mqar") ? 1.0 / (vocab - vocab / 2) : 1.0 / (vocab - 2);
            b.put("chance", Map.of("accuracy", Metrics.round(chance)));
        }
        return b;
    }

    @Override
    public String selectionMetric() {
        return kind.equals("adding") ? "mae" : "accuracy";
    }

    @Override
    public boolean lowerIsBetter() {
        return kind.equals("adding");
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", kind);
        m.put("seq_len", (long) seqLen);
        m.put("vocab", (long) vocab);
        m.put("kv_pairs", (long) kvPairs);
        m.put("copy_tokens", (long) copyTokens);
        m.put("train_examples", (long) trainCount);
        m.put("test_examples", (long) testCount);
        m.put("seed", seed);
        if (kind.equals("parity")) m.put("parity_labels", parityLabels);
        if (kind.equals("mqar")) m.put("fill", mqarFill);
        return m;
    }
}
