package dev.recur.task;

import dev.recur.ConfigException;
import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.data.DataException;
import dev.recur.io.json.JsonValues;
import dev.recur.layer.LayerState;
import dev.recur.loss.CrossEntropy;
import dev.recur.model.ModelConfig;
import dev.recur.model.SequenceModel;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Character-level language modelling: the vocabulary is the set of characters (code points) of
 * the text; the first 85% trains, the next 5% validates, the last 10% is the held-out test tail.
 * Training examples are the consecutive windows of {@code seqLen} characters of the training part,
 * each predicting its next characters. Evaluation reads a whole split as 16 parallel streams in
 * chunks of {@code seqLen}, carrying the state across chunks, and reports bits per character.
 */
public final class CharLmTask implements Task {
    public static final double TRAIN_FRACTION = 0.85, VALIDATION_FRACTION = 0.05;
    private static final int STREAMS = 16;

    private final int[] vocab;       // index -> code point, sorted
    private final Map<Integer, Integer> index = new java.util.HashMap<>();
    private final int[] text;        // the whole text as vocabulary indices
    private final int seqLen, trainEnd, validationEnd;

    public CharLmTask(String content, String source, int seqLen) {
        this(content, source, seqLen, null);
    }

    private CharLmTask(String content, String source, int seqLen, int[] fixedVocab) {
        if (seqLen < 2) throw new ConfigException("--seq-len must be >= 2, got " + seqLen);
        this.seqLen = seqLen;
        int[] cps = content.codePoints().toArray();
        if (fixedVocab == null) {
            TreeSet<Integer> set = new TreeSet<>();
            for (int c : cps) set.add(c);
            fixedVocab = set.stream().mapToInt(Integer::intValue).toArray();
        }
        vocab = fixedVocab;
        for (int i = 0; i < vocab.length; i++) index.put(vocab[i], i);
        text = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            Integer v = index.get(cps[i]);
            if (v == null) throw new DataException(source, "character " + describe(cps[i]) + " at character " + i + " is not in the model's vocabulary");
            text[i] = v;
        }
        trainEnd = (int) (cps.length * TRAIN_FRACTION);
        validationEnd = (int) (cps.length * (TRAIN_FRACTION + VALIDATION_FRACTION));
        int minimum = (int) Math.ceil((seqLen + 1) / TRAIN_FRACTION);
        if (trainEnd < seqLen + 1 || validationEnd - trainEnd < 2 || cps.length - validationEnd < 2) {
            throw new DataException(source, cps.length + " characters are too few for --seq-len " + seqLen
                    + " (need at least " + Math.max(minimum, 40) + ")");
        }
    }

    static String describe(int cp) {
        return "'" + new String(Character.toChars(cp)) + "' (U+" + String.format("%04X", cp) + ")";
    }

    public static CharLmTask fromJson(Map<String, Object> m, String content, String source) {
        return new CharLmTask(content, source, (int) JsonValues.integer(m, "seq_len", source), vocabOf(m, source));
    }

    static int[] vocabOf(Map<String, Object> m, String source) {
        return JsonValues.string(m, "vocab", source).codePoints().toArray();
    }

    @Override
    public String name() {
        return "charlm";
    }

    @Override
    public ModelConfig.Input input() {
        return ModelConfig.Input.tokens(vocab.length);
    }

    @Override
    public ModelConfig.Head head(String kind) {
        if (kind != null && !kind.equals("next_token")) throw new ConfigException("charlm takes a next_token head, not '" + kind + "'");
        return new ModelConfig.Head("next_token", vocab.length);
    }

    @Override
    public int stepsPerExample() {
        return seqLen;
    }

    @Override
    public int trainExamples() {
        return (trainEnd - 1) / seqLen;
    }

    @Override
    public Var loss(SequenceModel model, int[] examples) {
        int b = examples.length;
        int[] in = new int[seqLen * b], target = new int[seqLen * b];
        for (int j = 0; j < b; j++) {
            int start = examples[j] * seqLen;
            for (int t = 0; t < seqLen; t++) {
                in[t * b + j] = text[start + t];
                target[t * b + j] = text[start + t + 1];
            }
        }
        Var logits = model.forwardTokens(in, seqLen, b);
        return new CrossEntropy().apply(dev.recur.ops.Shape.reshape(logits, seqLen * b, vocab.length), target, null);
    }

    @Override
    public Map<String, Object> evaluate(SequenceModel model, Split split) {
        int from = switch (split) {
            case TRAIN -> 0;
            case VALIDATION -> trainEnd;
            case TEST -> validationEnd;
        };
        int to = switch (split) {
            case TRAIN -> trainEnd;
            case VALIDATION -> validationEnd;
            case TEST -> text.length;
        };
        double nats = crossEntropy(model, Arrays.copyOfRange(text, from, to));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", Metrics.round(nats));
        m.put("bpc", Metrics.round(nats / Math.log(2)));
        return m;
    }

    /** Mean next-character cross-entropy (nats) over {@code tokens}, read as parallel streams with carried state. */
    private double crossEntropy(SequenceModel model, int[] tokens) {
        int streams = Math.max(1, Math.min(STREAMS, (tokens.length - 1) / seqLen));
        int len = (tokens.length - 1) / streams; // predictions per stream
        boolean was = model.isTraining();
        model.eval();
        double sum = 0;
        long count = 0;
        try (GradMode.Scope g = GradMode.off()) {
            List<LayerState> states = new ArrayList<>(java.util.Collections.nCopies(model.config().blocks().size(), (LayerState) null));
            for (int pos = 0; pos < len; pos += seqLen) {
                int steps = Math.min(seqLen, len - pos);
                int[] in = new int[steps * streams], target = new int[steps * streams];
                for (int s = 0; s < streams; s++) {
                    for (int t = 0; t < steps; t++) {
                        in[t * streams + s] = tokens[s * len + pos + t];
                        target[t * streams + s] = tokens[s * len + pos + t + 1];
                    }
                }
                Var logits = model.forwardTokens(in, steps, streams, states);
                Var loss = new CrossEntropy().apply(dev.recur.ops.Shape.reshape(logits, steps * streams, vocab.length), target, null);
                sum += loss.value().item() * steps * streams;
                count += (long) steps * streams;
            }
        } finally {
            model.train(was);
        }
        return sum / count;
    }

    @Override
    public String selectionMetric() {
        return "bpc";
    }

    @Override
    public boolean lowerIsBetter() {
        return true;
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name());
        m.put("seq_len", (long) seqLen);
        m.put("vocab", new String(vocab, 0, vocab.length));
        return m;
    }

    /**
     * Continues {@code prompt} by {@code length} characters, sampling each from the model's
     * distribution at {@code temperature} among the {@code topK} most likely (0: all); calls
     * {@code out} with each new character as it is drawn.
     */
    public static String generate(SequenceModel model, Map<String, Object> task, String source, String prompt, int length,
                                  double temperature, int topK, long seed, java.util.function.IntConsumer out) {
        if (!(temperature > 0)) throw new ConfigException("--temperature must be > 0, got " + temperature);
        if (topK < 0) throw new ConfigException("--top-k must be >= 0, got " + topK);
        if (prompt.isEmpty()) throw new ConfigException("--prompt must not be empty");
        int[] vocab = vocabOf(task, source);
        Map<Integer, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < vocab.length; i++) index.put(vocab[i], i);
        Rng rng = new Rng(seed);
        StringBuilder sb = new StringBuilder();
        model.eval();
        try (GradMode.Scope g = GradMode.off()) {
            List<LayerState> states = model.zeroState(1);
            Tensor logits = null;
            for (int cp : prompt.codePoints().toArray()) {
                Integer id = index.get(cp);
                if (id == null) throw new ConfigException("prompt character " + describe(cp) + " is not in the model's vocabulary");
                logits = model.stepTokens(new int[] {id}, states).value();
            }
            for (int n = 0; n < length; n++) {
                int next = sample(logits.contiguous().toArray(), temperature, topK, rng);
                sb.appendCodePoint(vocab[next]);
                out.accept(vocab[next]);
                logits = model.stepTokens(new int[] {next}, states).value();
            }
        }
        return sb.toString();
    }

    static int sample(float[] logits, double temperature, int topK, Rng rng) {
        int k = topK == 0 ? logits.length : Math.min(topK, logits.length);
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        double max = logits[order[0]], total = 0;
        double[] p = new double[k];
        for (int i = 0; i < k; i++) total += p[i] = Math.exp((logits[order[i]] - max) / temperature);
        double u = rng.nextDouble() * total;
        for (int i = 0; i < k; i++) {
            u -= p[i];
            if (u <= 0) return order[i];
        }
        return order[k - 1];
    }
}
