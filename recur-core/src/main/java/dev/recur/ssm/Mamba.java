package dev.recur.ssm;

import dev.recur.ConfigException;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerState;
import dev.recur.layer.Lengths;
import dev.recur.layer.SequenceLayer;
import dev.recur.layer.SequenceOutput;
import dev.recur.layer.StepOutput;
import dev.recur.nn.Init;
import dev.recur.nn.Linear;
import dev.recur.nn.Parameter;
import dev.recur.ops.MatMul;
import dev.recur.ops.Shape;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Mamba block's mixer (Gu and Dao, 2023; {@code mamba_simple.py}): a selective state space.
 * <pre>
 *   (x, z)  = in_proj(u)                               each E = expand * H wide
 *   x       = silu(conv1d(x))                          depthwise, causal, width {@code conv}
 *   (dt, B, C) = x_proj(x)                             dt_rank, N, N
 *   delta   = softplus(dt_proj(dt))                    per channel, input-dependent
 *   y       = selective_scan(x, delta, A = -exp(A_log), B, C, D) * silu(z)
 *   out     = out_proj(y)
 * </pre>
 * Parameter names and shapes are mamba_simple's ({@code in_proj.weight}, {@code conv1d.weight}
 * (E, 1, K), {@code conv1d.bias}, {@code x_proj.weight}, {@code dt_proj.weight},
 * {@code dt_proj.bias}, {@code A_log}, {@code D}, {@code out_proj.weight}), so its state dicts
 * load directly; initialisation follows it too (S4D-Real {@code A = -(1..N)}, D = 1, dt_proj's
 * bias the inverse softplus of a log-uniform dt in [dt_min, dt_max] floored at 1e-4, its weight
 * uniform in +-dt_rank^-1/2).
 *
 * <p>Options ({@code mamba:256,state=16}): {@code state} N (default 16), {@code expand} (2),
 * {@code conv} kernel width (4), {@code dt_rank} (default ceil(H/16)), {@code dt_min} (0.001),
 * {@code dt_max} (0.1). The step form keeps the conv cache {@code conv} (B, E, conv-1) and the SSM
 * state {@code ssm} (B, E, N).
 */
public final class Mamba extends SequenceLayer {
    private final int inputSize, model, inner, state, convWidth, dtRank;
    private final Linear inProj, xProj, dtProj, outProj;
    private final CausalConv conv1d;
    private final Parameter aLog, d;
    private final SelectiveScan.Cache scanCache = new SelectiveScan.Cache();

    /** The weights the math reads, so tests can run it on leaves of their own. */
    record Weights(Var inProj, Var convWeight, Var convBias, Var xProj, Var dtWeight, Var dtBias, Var aLog, Var d, Var outProj) {}

    public Mamba(int inputSize, int model, int state, int expand, int convWidth, int dtRank, double dtMin, double dtMax, Rng rng) {
        if (state < 1 || expand < 1 || convWidth < 1 || dtRank < 1) {
            throw new ConfigException("mamba: state, expand, conv and dt_rank must be >= 1, got " + state + ", " + expand + ", "
                    + convWidth + ", " + dtRank);
        }
        if (!(dtMin > 0 && dtMax >= dtMin)) throw new ConfigException("mamba: need 0 < dt_min <= dt_max, got " + dtMin + ", " + dtMax);
        this.inputSize = inputSize;
        this.model = model;
        this.inner = expand * model;
        this.state = state;
        this.convWidth = convWidth;
        this.dtRank = dtRank;
        int E = inner;
        this.inProj = child("in_proj", new Linear(inputSize, 2 * E, false, rng));
        this.conv1d = child("conv1d", new CausalConv(E, convWidth, true, rng));
        this.xProj = child("x_proj", new Linear(E, dtRank + 2 * state, false, rng));
        this.dtProj = child("dt_proj", new Linear(dtRank, E, true, rng));
        double dtStd = Math.pow(dtRank, -0.5);
        Init.uniform(dtProj.weight().value(), -dtStd, dtStd, rng);
        float[] bias = dtProj.bias().value().data();
        for (int e = 0; e < E; e++) {
            double dt = Math.exp(rng.nextDouble() * (Math.log(dtMax) - Math.log(dtMin)) + Math.log(dtMin));
            dt = Math.max(dt, 1e-4);
            bias[dtProj.bias().value().offset() + e] = (float) (dt + Math.log(-Math.expm1(-dt))); // softplus^-1
        }
        Tensor aInit = Tensor.zeros(E, state);
        for (int e = 0; e < E; e++) for (int n = 0; n < state; n++) aInit.data()[e * state + n] = (float) Math.log(n + 1);
        this.aLog = parameter("A_log", aInit);
        this.d = parameter("D", Tensor.full(1f, E));
        this.outProj = child("out_proj", new Linear(E, model, false, rng));
    }

    static Mamba fromConfig(LayerConfig c, Rng rng) {
        int H = c.hiddenSize();
        int state = c.integer("state", 16, 1, 1 << 12);
        int expand = c.integer("expand", 2, 1, 64);
        int conv = c.integer("conv", 4, 1, 64);
        int dtRank = c.integer("dt_rank", (H + 15) / 16, 1, 1 << 16);
        double dtMin = c.real("dt_min", 0.001, 1e-8, 1e3), dtMax = c.real("dt_max", 0.1, 1e-8, 1e3);
        return new Mamba(c.inputSize(), H, state, expand, conv, dtRank, dtMin, dtMax, rng);
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int outputSize() {
        return model;
    }

    Weights weights() {
        return new Weights(inProj.weight(), conv1d.weight(), conv1d.bias(), xProj.weight(), dtProj.weight(), dtProj.bias(), aLog, d,
                outProj.weight());
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
        return state(Var.constant(Tensor.zeros(batch, inner, convWidth - 1)), Var.constant(Tensor.zeros(batch, inner, state)));
    }

    SequenceOutput forward(Weights w, Var u, Lengths lengths, LayerState initial) {
        int E = inner, N = state;
        Var[] xz = Shape.split(MatMul.linear(u, w.inProj(), null), 2, E, E);
        CausalConv.Output conv = CausalConv.apply(xz[0], w.convWeight(), w.convBias(),
                initial == null ? null : initial.get("conv"), lengths, true);
        Var[] dbc = Shape.split(MatMul.linear(conv.y(), w.xProj(), null), 2, dtRank, N, N);
        Var deltaPre = MatMul.linear(dbc[0], w.dtWeight(), w.dtBias());
        SelectiveScan.Output scan = SelectiveScan.apply(conv.y(), deltaPre, dbc[1], dbc[2], xz[1], w.aLog(), w.d(),
                initial == null ? null : initial.get("ssm"), lengths, scanCache);
        // The scan's rows past each length are zero and out_proj has no bias, so the output's are too.
        return new SequenceOutput(MatMul.linear(scan.y(), w.outProj(), null), state(conv.state(), scan.state()));
    }

    private static LayerState state(Var conv, Var ssm) {
        Map<String, Var> m = new LinkedHashMap<>();
        m.put("conv", conv);
        m.put("ssm", ssm);
        return new LayerState(m);
    }
}
