package dev.recur.pararnn;

import dev.recur.ConfigException;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerState;
import dev.recur.layer.LengthMask;
import dev.recur.layer.Lengths;
import dev.recur.layer.SequenceLayer;
import dev.recur.layer.SequenceOutput;
import dev.recur.layer.StepOutput;
import dev.recur.nn.Linear;
import dev.recur.nn.Parameter;
import dev.recur.ops.MatMul;
import dev.recur.ops.Shape;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A layer around any {@link ParaCell}: {@code u = in_proj(x)} over the whole sequence (one GEMM),
 * the cell's recurrence solved by {@link ParaRnn} (sequentially or by Newton, option {@code mode}),
 * and, with several heads, an output projection that mixes them.
 *
 * <p>Heads: the units are split into {@code heads} groups of {@code hidden / heads}. With diagonal
 * recurrent weights the units of a group never interact inside the recurrence anyway, so a head is
 * a group whose outputs are mixed only by {@code out_proj} (hidden x hidden, no bias), as in
 * ParaRNN's multi-head layers; {@code heads = 1} leaves the cell's output as it is.
 *
 * <p>Options: {@code mode} = {@code sequential | newton | auto} (default auto, see
 * {@link ParaRnn#newtonPays}); {@code tol} the absolute Newton tolerance (default 0: 32 float32
 * ulps times the state's magnitude); {@code max_iter} the Newton iteration cap before the
 * sequential fallback (default 16); {@code heads} (default 1). {@link #step} always steps.
 *
 * <p>Parameters: {@code in_proj.weight} (D, I), {@code in_proj.bias} (D), the cell's recurrent
 * parameters by their names, and {@code out_proj.weight} (H, H) when heads &gt; 1. State: one
 * (B, U) tensor per cell component, named by {@link ParaCell#componentNames()}.
 */
public final class ParaRnnLayer extends SequenceLayer {
    private final String family;
    private final ParaCell cell;
    private final int inputSize, heads;
    private final ParaRnn.Options options;
    private final Linear inProj, outProj;
    private final Parameter[] recurrent;
    private volatile ParaRnn.Stats lastStats;

    public ParaRnnLayer(String family, ParaCell cell, int inputSize, int heads, ParaRnn.Options options, Rng rng) {
        if (heads < 1 || cell.units() % heads != 0) {
            throw new ConfigException(family + ": heads=" + heads + " must divide the hidden size " + cell.units());
        }
        this.family = family;
        this.cell = cell;
        this.inputSize = inputSize;
        this.heads = heads;
        this.options = options;
        this.inProj = child("in_proj", new Linear(inputSize, cell.driveWidth(), true, rng));
        Tensor[] init = cell.initialParameters(rng);
        List<String> names = cell.parameterNames();
        this.recurrent = new Parameter[names.size()];
        for (int i = 0; i < recurrent.length; i++) recurrent[i] = parameter(names.get(i), init[i]);
        this.outProj = heads > 1 ? child("out_proj", new Linear(cell.units(), cell.units(), false, rng)) : null;
    }

    /** Reads the shared options of a config and builds the layer around {@code cell}. */
    static ParaRnnLayer fromConfig(LayerConfig c, ParaCell cell, Rng rng) {
        ParaRnn.Mode mode = ParaRnn.Mode.valueOf(c.string("mode", "auto", "sequential", "newton", "auto").toUpperCase(Locale.ROOT));
        double tol = c.real("tol", 0, 0, 1);
        int maxIter = c.integer("max_iter", 16, 0, 1 << 20);
        int heads = c.integer("heads", 1, 1, c.hiddenSize());
        return new ParaRnnLayer(c.name(), cell, c.inputSize(), heads, new ParaRnn.Options(mode, tol, maxIter, LinearScan.Strategy.AUTO), rng);
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int outputSize() {
        return cell.units();
    }

    public ParaCell cell() {
        return cell;
    }

    public ParaRnn.Options options() {
        return options;
    }

    /** What the last {@link #forward} did: the solve used, Newton iterations and residual, fallback. Null before any. */
    public ParaRnn.Stats lastStats() {
        return lastStats;
    }

    @Override
    public SequenceOutput forward(Var x, Lengths lengths, LayerState initial) {
        return run(x, lengths, initial, options);
    }

    /** As {@link #forward} with another mode (benchmarks and agreement tests). */
    public SequenceOutput forward(Var x, Lengths lengths, LayerState initial, ParaRnn.Mode mode) {
        return run(x, lengths, initial, options.withMode(mode));
    }

    private SequenceOutput run(Var x, Lengths lengths, LayerState initial, ParaRnn.Options o) {
        if (x.rank() != 3 || x.dim(2) != inputSize) {
            throw new dev.recur.tensor.ShapeException(family + ": input must be (T, B, " + inputSize + "), found "
                    + dev.recur.tensor.Shapes.toString(x.shape()));
        }
        Var drive = MatMul.linear(x, inProj.weight(), inProj.bias());
        List<String> comps = cell.componentNames();
        Var[] init = null;
        if (initial != null) {
            init = new Var[comps.size()];
            for (int i = 0; i < init.length; i++) init[i] = initial.get(comps.get(i));
        }
        ParaRnn.Result r = ParaRnn.apply(cell, drive, recurrent, init, lengths, o);
        lastStats = r.stats();
        Var y = r.output();
        if (outProj != null) y = LengthMask.apply(MatMul.linear(y, outProj.weight(), null), lengths);
        Map<String, Var> m = new LinkedHashMap<>();
        for (int i = 0; i < comps.size(); i++) m.put(comps.get(i), r.state()[i]);
        return new SequenceOutput(y, new LayerState(m));
    }

    @Override
    public StepOutput step(Var x, LayerState state) {
        SequenceOutput o = run(Shape.unsqueeze(x, 0), null, state, options.withMode(ParaRnn.Mode.SEQUENTIAL));
        return new StepOutput(Shape.select(o.output(), 0, 0), o.state());
    }

    @Override
    public LayerState zeroState(int batch) {
        Map<String, Var> m = new LinkedHashMap<>();
        for (String name : cell.componentNames()) m.put(name, Var.constant(Tensor.zeros(batch, cell.units())));
        return new LayerState(m);
    }
}
