package dev.recur.train;

import dev.recur.ConfigException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of a training run. {@code steps} is the number of optimizer updates; the learning
 * rate warms up linearly over the first {@code warmup} steps, then follows a half cosine down to a
 * tenth of {@code lr}. Gradients are clipped to a global norm of {@code clip} (0: no clipping).
 * The validation split is evaluated every {@code evalEvery} steps and at the end.
 */
public record TrainConfig(long steps, int batch, double lr, long seed, long evalEvery, long warmup, double clip, double weightDecay) {
    public TrainConfig {
        if (steps < 1) throw new ConfigException("--steps must be >= 1, got " + steps);
        if (batch < 1) throw new ConfigException("--batch must be >= 1, got " + batch);
        if (!(lr > 0) || !Double.isFinite(lr)) throw new ConfigException("--lr must be a positive number, got " + lr);
        if (evalEvery < 1) throw new ConfigException("--eval-every must be >= 1, got " + evalEvery);
        if (warmup < 0 || warmup > steps) warmup = Math.min(Math.max(warmup, 0), steps);
        if (!(clip >= 0)) throw new ConfigException("--clip must be >= 0, got " + clip);
        if (!(weightDecay >= 0)) throw new ConfigException("--weight-decay must be >= 0, got " + weightDecay);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        m.put("batch", (long) batch);
        m.put("lr", lr);
        m.put("seed", seed);
        m.put("eval_every", evalEvery);
        m.put("warmup", warmup);
        m.put("clip", clip);
        m.put("weight_decay", weightDecay);
        return m;
    }

    public static TrainConfig fromJson(Map<String, Object> m, String source) {
        return new TrainConfig(dev.recur.io.json.JsonValues.integer(m, "steps", source),
                (int) dev.recur.io.json.JsonValues.integer(m, "batch", source),
                dev.recur.io.json.JsonValues.number(m, "lr", source),
                dev.recur.io.json.JsonValues.integer(m, "seed", source),
                dev.recur.io.json.JsonValues.integer(m, "eval_every", source),
                dev.recur.io.json.JsonValues.integer(m, "warmup", source),
                dev.recur.io.json.JsonValues.number(m, "clip", source),
                dev.recur.io.json.JsonValues.number(m, "weight_decay", source));
    }
}
