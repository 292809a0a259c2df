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
import dev.recur.pararnn.ParaRnn;
import dev.recur.pararnn.ParaRnnLayer;
import dev.recur.random.Rng;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Newton's convergence after training, on a real task: a byte-level language model (embedding 64,
 * one ParaRNN layer, linear readout over 256 bytes) trained with AdamW on a text file, then the
 * iterations and residual of the Newton solve on text windows of T = 2^lo .. 2^hi. Training runs
 * the sequential solve (the cheaper one on few cores; both give the same gradients), since only
 * the trained weights matter here.
 */
public final class TrainedConvergence {
    /** The measurements, and the training loss (nats per byte) over the first and last 10 steps. */
    public record Outcome(List<ParaRnnMeasure.Convergence> rows, double firstLoss, double lastLoss, int steps) {}

    private TrainedConvergence() {}

    public static Outcome run(String cell, int hidden, Path text, int trainSteps, int lo, int hi, long seed) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + text, e);
        }
        if (bytes.length < (1 << hi) + 2) throw new IllegalArgumentException(text + " is shorter than 2^" + hi + " bytes");
        Rng rng = new Rng(seed);
        Embedding emb = new Embedding(256, 64, rng);
        ParaRnnLayer layer = (ParaRnnLayer) LayerRegistry.create(
                new LayerConfig(cell, 64, hidden, Map.of("mode", "sequential", "max_iter", "256")), rng);
        Linear readout = new Linear(hidden, 256, true, rng);
        Map<String, Parameter> params = new LinkedHashMap<>();
        emb.namedParameters().forEach((k, v) -> params.put("emb." + k, v));
        layer.namedParameters().forEach((k, v) -> params.put("rnn." + k, v));
        readout.namedParameters().forEach((k, v) -> params.put("out." + k, v));
        AdamW opt = new AdamW(params, 3e-3);
        int T = 128, B = 16;
        double first = 0, last = 0;
        for (int step = 0; step < trainSteps; step++) {
            int[] in = new int[T * B], target = new int[T * B];
            for (int b = 0; b < B; b++) {
                int start = (int) (rng.nextDouble() * (bytes.length - T - 1));
                for (int t = 0; t < T; t++) {
                    in[t * B + b] = bytes[start + t] & 0xff;
                    target[t * B + b] = bytes[start + t + 1] & 0xff;
                }
            }
            opt.zeroGrad();
            Var loss;
            try (var on = GradMode.on()) {
                Var h = layer.forward(emb.forward(in, new int[] {T, B})).output();
                loss = new CrossEntropy().apply(readout.forward(h), target, null);
            }
            loss.backward();
            opt.step();
            double v = loss.value().item();
            if (step < 10) first += v / Math.min(10, trainSteps);
            if (step >= trainSteps - 10) last += v / Math.min(10, trainSteps);
        }
        List<ParaRnnMeasure.Convergence> rows = new ArrayList<>();
        for (int e = lo; e <= hi; e++) {
            int len = 1 << e;
            int start = (int) (rng.nextDouble() * (bytes.length - len));
            int[] in = new int[len];
            for (int t = 0; t < len; t++) in[t] = bytes[start + t] & 0xff;
            Var x = emb.forward(in, new int[] {len, 1}).detach();
            var newton = layer.forward(x, null, null, ParaRnn.Mode.NEWTON).output().value();
            ParaRnn.Stats s = layer.lastStats();
            var seq = layer.forward(x, null, null, ParaRnn.Mode.SEQUENTIAL).output().value();
            rows.add(new ParaRnnMeasure.Convergence(cell + " (trained)", len, 1, hidden, s.iterations(), s.residual(), s.tolerance(),
                    ParaRnnMeasure.maxAbsDiff(newton, seq)));
        }
        return new Outcome(rows, first, last, trainSteps);
    }
}
