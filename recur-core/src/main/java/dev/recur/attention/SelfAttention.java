package dev.recur.attention;

import dev.recur.ConfigException;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerState;
import dev.recur.layer.Lengths;
import dev.recur.layer.SequenceLayer;
import dev.recur.layer.SequenceOutput;
import dev.recur.layer.StepOutput;
import dev.recur.nn.Linear;
import dev.recur.ops.MatMul;
import dev.recur.ops.Shape;
import dev.recur.random.Rng;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Causal multi-head self-attention, the standard transformer mixer: {@code q, k, v} projections
 * (no bias), rotary position embeddings on queries and keys, softmax attention
 * ({@link CausalAttention}) over every earlier position ({@code attention}) or the last
 * {@code window} positions ({@code swa}), and an output projection. Positions enter only through
 * the rotation, so the layer runs on sequences of any length and streams with a key/value cache.
 *
 * <p>Options: {@code heads} (default: width/64 when that divides, else 1), {@code rope}
 * (true; false gives no positional encoding inside the layer), {@code rope_base} (10000), and for
 * swa {@code window} (default 64). Parameters: {@code q_proj.weight}, {@code k_proj.weight},
 * {@code v_proj.weight} (H, I), {@code o_proj.weight} (H, H).
 *
 * <p>State: {@code k} and {@code v} (B, heads, S, H/heads), rotated keys and values, and
 * {@code pos} (B), the positions seen (a float; exact to 2^24). Full attention's cache grows by one
 * slot per step (position p in slot p) and each step copies it, which costs as much as the
 * attention itself; sliding-window attention keeps a ring of exactly {@code window} slots.
 */
public final class SelfAttention extends SequenceLayer {
    private final int inputSize, width, heads, window;
    private final Rope rope;
    private final Linear qProj, kProj, vProj, oProj;

    /** The weights the math reads, so tests can run it on leaves of their own. */
    record Weights(Var q, Var k, Var v, Var o) {}

    /** @param window 0 for full attention */
    public SelfAttention(int inputSize, int width, int heads, int window, boolean rope, double ropeBase, Rng rng) {
        if (heads < 1 || width % heads != 0) throw new ConfigException("attention: width " + width + " is not divisible by heads=" + heads);
        if (window < 0) throw new ConfigException("attention: window must be >= 1, got " + window);
        int dh = width / heads;
        if (rope && dh % 2 != 0) throw new ConfigException("attention: rotary embeddings need an even head size, got " + dh);
        this.inputSize = inputSize;
        this.width = width;
        this.heads = heads;
        this.window = window;
        this.rope = rope ? new Rope(dh, ropeBase) : null;
        this.qProj = child("q_proj", new Linear(inputSize, width, false, rng));
        this.kProj = child("k_proj", new Linear(inputSize, width, false, rng));
        this.vProj = child("v_proj", new Linear(inputSize, width, false, rng));
        this.oProj = child("o_proj", new Linear(width, width, false, rng));
    }

    static SelfAttention fromConfig(LayerConfig c, Rng rng, boolean sliding) {
        int H = c.hiddenSize();
        int heads = c.integer("heads", H % 64 == 0 ? H / 64 : 1, 1, H);
        boolean rope = c.bool("rope", true);
        double base = c.real("rope_base", 10000, 1.000001, 1e12);
        int window = sliding ? c.integer("window", 64, 1, Integer.MAX_VALUE) : 0;
        return new SelfAttention(c.inputSize(), H, heads, window, rope, base, rng);
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int outputSize() {
        return width;
    }

    public int heads() {
        return heads;
    }

    /** 0 for full attention. */
    public int window() {
        return window;
    }

    Weights weights() {
        return new Weights(qProj.weight(), kProj.weight(), vProj.weight(), oProj.weight());
    }

    @Override
    public SequenceOutput forward(Var x, Lengths lengths, LayerState initial) {
        return forward(weights(), x, lengths, initial);
    }

    @Override
    public StepOutput step(Var x, LayerState state) {
        SequenceOutput o = forward(weights(), Shape.unsqueeze(x, 0), null, state);
        return new StepOutput(Shape.select(o.output(), 0, 0), o.state());
    }

    @Override
    public LayerState zeroState(int batch) {
        int slots = window;
        return state(Var.constant(Tensor.zeros(batch, heads, slots, width / heads)),
                Var.constant(Tensor.zeros(batch, heads, slots, width / heads)), new int[batch]);
    }

    SequenceOutput forward(Weights w, Var x, Lengths lengths, LayerState initial) {
        Var q = MatMul.linear(x, w.q(), null), k = MatMul.linear(x, w.k(), null), v = MatMul.linear(x, w.v(), null);
        Var ck = null, cv = null;
        int[] seen = null;
        if (initial != null) {
            ck = initial.get("k");
            cv = initial.get("v");
            seen = positions(initial.get("pos").value());
        }
        CausalAttention.Output a = CausalAttention.apply(q, k, v, heads, window, rope, ck, cv, seen, lengths);
        // Rows past each length are zero and o_proj has no bias, so the output's are too.
        return new SequenceOutput(MatMul.linear(a.o(), w.o(), null), state(a.k(), a.v(), a.positions()));
    }

    private static int[] positions(Tensor pos) {
        float[] f = pos.toArray();
        int[] p = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            if (!(f[i] >= 0 && f[i] <= (1 << 24) && f[i] == Math.rint(f[i]))) {
                throw new ShapeException("attention state: pos[" + i + "] = " + f[i] + " is not a position count in [0, 2^24]");
            }
            p[i] = (int) f[i];
        }
        return p;
    }

    private static LayerState state(Var k, Var v, int[] positions) {
        float[] p = new float[positions.length];
        for (int i = 0; i < p.length; i++) p[i] = positions[i];
        Map<String, Var> m = new LinkedHashMap<>();
        m.put("k", k);
        m.put("v", v);
        m.put("pos", Var.constant(Tensor.of(p, p.length)));
        return new LayerState(m);
    }
}
