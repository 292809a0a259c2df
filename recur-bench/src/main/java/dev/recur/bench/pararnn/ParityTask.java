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
 * ParaRNN's parity claim at small scale: one ParaRNN layer reads a sequence of random bits and
 * must output, at every step, the parity of the bits so far (a state-tracking task that diagonal
 * linear recurrences cannot solve: the paper reports Mamba2 at 51 %). Trained with
 * {@code mode=newton}, so the whole training path runs through the Newton solve and its adjoint.
 * Reports per-step accuracy at the training length and at 4x that length.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp recur-bench/target/recur-bench.jar
 * dev.recur.bench.pararnn.ParityTask [cell] [hidden] [steps] [length]}.
 */
public final class ParityTask {
    /** Accuracy (fraction of correct per-step predictions) at the training length and at 4x, and the Newton iterations of the last batch. */
    public record Outcome(String cell, int hidden, int steps, int length, double accuracy, double accuracyLong, int lastIterations, boolean anyFallback) {}

    private ParityTask() {}

    public static Outcome run(String cell, int hidden, int steps, int length, long seed) {
        Rng rng = new Rng(seed);
        Embedding emb = new Embedding(2, 16, rng);
        ParaRnnLayer layer = (ParaRnnLayer) LayerRegistry.create(new LayerConfig(cell, 16, hidden, Map.of("mode", "newton", "max_iter", "64")), rng);
        Linear readout = new Linear(hidden, 2, true, rng);
        Map<String, Parameter> params = new LinkedHashMap<>();
        emb.namedParameters().forEach((k, v) -> params.put("emb." + k, v));
        layer.namedParameters().forEach((k, v) -> params.put("rnn." + k, v));
        readout.namedParameters().forEach((k, v) -> params.put("out." + k, v));
        AdamW opt = new AdamW(params, 3e-3);
        int B = 32;
        boolean fallback = false;
        for (int step = 0; step < steps; step++) {
            int[][] batch = batch(rng, length, B);
            opt.zeroGrad();
            Var loss;
            try (var on = GradMode.on()) {
                Var h = layer.forward(emb.forward(batch[0], new int[] {length, B})).output();
                loss = new CrossEntropy().apply(readout.forward(h), batch[1], null);
            }
            loss.backward();
            opt.step();
            fallback |= layer.lastStats().fellBack();
        }
        int iters = layer.lastStats().iterations();
        return new Outcome(cell, hidden, steps, length, accuracy(emb, layer, readout, rng, length), accuracy(emb, layer, readout, rng, 4 * length),
                iters, fallback);
    }

    /** Inputs and per-step parity targets, both (T, B) row-major. */
    static int[][] batch(Rng rng, int T, int B) {
        int[] x = new int[T * B], y = new int[T * B];
        for (int b = 0; b < B; b++) {
            int parity = 0;
            for (int t = 0; t < T; t++) {
                int bit = rng.nextDouble() < 0.5 ? 1 : 0;
                parity ^= bit;
                x[t * B + b] = bit;
                y[t * B + b] = parity;
            }
        }
        return new int[][] {x, y};
    }

    static double accuracy(Embedding emb, ParaRnnLayer layer, Linear readout, Rng rng, int T) {
        int B = 64;
        int[][] batch = batch(rng, T, B);
        Tensor logits = readout.forward(layer.forward(emb.forward(batch[0], new int[] {T, B})).output()).value().contiguous();
        int correct = 0;
        for (int i = 0; i < T * B; i++) {
            int pred = logits.data()[logits.offset() + 2 * i + 1] > logits.data()[logits.offset() + 2 * i] ? 1 : 0;
            if (pred == batch[1][i]) correct++;
        }
        return correct / (double) (T * B);
    }

    public static void main(String[] args) {
        String cell = args.length > 0 ? args[0] : "paragru";
        int hidden = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 600;
        int length = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        Outcome o = run(cell, hidden, steps, length, 1);
        System.out.printf(Locale.ROOT, "parity: %s hidden %d, %d AdamW steps at T=%d batch 32, mode=newton: per-step accuracy %.1f%% at T=%d,"
                        + " %.1f%% at T=%d; Newton iterations (last batch) %d; fallback %s%n",
                o.cell(), o.hidden(), o.steps(), o.length(), 100 * o.accuracy(), o.length(), 100 * o.accuracyLong(), 4 * o.length(),
                o.lastIterations(), o.anyFallback() ? "yes" : "never");
    }
}
