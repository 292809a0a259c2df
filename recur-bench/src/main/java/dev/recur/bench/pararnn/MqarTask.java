package dev.recur.bench.pararnn;

import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerRegistry;
import dev.recur.loss.CrossEntropy;
import dev.recur.nn.Embedding;
import dev.recur.nn.Linear;
import dev.recur.nn.Parameter;
import dev.recur.optim.AdamW;
import dev.recur.pararnn.ParaRnnLayer;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Multi-query associative recall (MQAR, Arora et al., "Zoology", 2023) at small scale: a sequence
 * of {@code pairs} key-value pairs {@code k1 v1 ... kN vN}, then the N keys again in random order;
 * at each repeated key the model must output its value. Keys and values are drawn from disjoint
 * vocabularies of 32 tokens each. One ParaRNN layer, trained with {@code mode=newton}; accuracy
 * over the query positions of fresh sequences.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp recur-bench/target/recur-bench.jar
 * dev.recur.bench.pararnn.MqarTask [cell] [hidden] [steps] [pairs]}.
 */
public final class MqarTask {
    static final int KEYS = 32, VALUES = 32, VOCAB = KEYS + VALUES;

    /** Query accuracy, and the Newton iterations of the last training batch. */
    public record Outcome(String cell, int hidden, int steps, int pairs, double accuracy, int lastIterations, boolean anyFallback) {}

    private MqarTask() {}

    public static Outcome run(String cell, int hidden, int steps, int pairs, long seed) {
        Rng rng = new Rng(seed);
        Embedding emb = new Embedding(VOCAB, 32, rng);
        ParaRnnLayer layer = (ParaRnnLayer) LayerRegistry.create(new LayerConfig(cell, 32, hidden, Map.of("mode", "newton", "max_iter", "64")), rng);
        Linear readout = new Linear(hidden, VOCAB, true, rng);
        Map<String, Parameter> params = new LinkedHashMap<>();
        emb.namedParameters().forEach((k, v) -> params.put("emb." + k, v));
        layer.namedParameters().forEach((k, v) -> params.put("rnn." + k, v));
        readout.namedParameters().forEach((k, v) -> params.put("out." + k, v));
        AdamW opt = new AdamW(params, 3e-3);
        int B = 32, T = 3 * pairs;
        boolean fallback = false;
        for (int step = 0; step < steps; step++) {
            int[][] batch = batch(rng, pairs, B);
            opt.zeroGrad();
            Var loss;
            try (var on = GradMode.on()) {
                Var h = layer.forward(emb.forward(batch[0], new int[] {T, B})).output();
                loss = new CrossEntropy().apply(readout.forward(h), batch[1], null);
            }
            loss.backward();
            opt.step();
            fallback |= layer.lastStats().fellBack();
        }
        int iters = layer.lastStats().iterations();
        int[][] test = batch(rng, pairs, 256);
        Tensor logits = readout.forward(layer.forward(emb.forward(test[0], new int[] {T, 256})).output()).value().contiguous();
        int correct = 0, total = 0;
        for (int i = 0; i < T * 256; i++) {
            if (test[1][i] < 0) continue;
            int best = 0;
            for (int c = 1; c < VOCAB; c++) if (logits.data()[logits.offset() + i * VOCAB + c] > logits.data()[logits.offset() + i * VOCAB + best]) best = c;
            total++;
            if (best == test[1][i]) correct++;
        }
        return new Outcome(cell, hidden, steps, pairs, correct / (double) total, iters, fallback);
    }

    /** Tokens and targets, (T, B) row-major; targets are -100 (ignored) except at the queries. */
    static int[][] batch(Rng rng, int pairs, int B) {
        int T = 3 * pairs;
        int[] x = new int[T * B], y = new int[T * B];
        java.util.Arrays.fill(y, CrossEntropy.DEFAULT_IGNORE_INDEX);
        for (int b = 0; b < B; b++) {
            int[] keys = new int[KEYS];
            for (int i = 0; i < KEYS; i++) keys[i] = i;
            for (int i = KEYS - 1; i > 0; i--) { // distinct keys: a partial Fisher-Yates shuffle
                int j = (int) (rng.nextDouble() * (i + 1));
                int s = keys[i];
                keys[i] = keys[j];
                keys[j] = s;
            }
            int[] values = new int[pairs];
            for (int p = 0; p < pairs; p++) {
                values[p] = KEYS + (int) (rng.nextDouble() * VALUES);
                x[(2 * p) * B + b] = keys[p];
                x[(2 * p + 1) * B + b] = values[p];
            }
            int[] order = new int[pairs];
            for (int p = 0; p < pairs; p++) order[p] = p;
            for (int i = pairs - 1; i > 0; i--) {
                int j = (int) (rng.nextDouble() * (i + 1));
                int s = order[i];
                order[i] = order[j];
                order[j] = s;
            }
            for (int q = 0; q < pairs; q++) {
                int t = 2 * pairs + q;
                x[t * B + b] = keys[order[q]];
                y[t * B + b] = values[order[q]];
            }
        }
        return new int[][] {x, y};
    }

    public static void main(String[] args) {
        String cell = args.length > 0 ? args[0] : "paragru";
        int hidden = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int pairs = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        Outcome o = run(cell, hidden, steps, pairs, 1);
        System.out.printf(Locale.ROOT, "mqar: %s hidden %d, %d pairs (T=%d), %d AdamW steps at batch 32, mode=newton: query accuracy %.1f%%"
                        + " (chance %.1f%%); Newton iterations (last batch) %d; fallback %s%n",
                o.cell(), o.hidden(), o.pairs(), 3 * o.pairs(), o.steps(), 100 * o.accuracy(), 100.0 / VALUES, o.lastIterations(),
                o.anyFallback() ? "yes" : "never");
    }
}
