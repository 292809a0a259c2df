package dev.recur.rnn;

import dev.recur.ConfigException;
import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerState;
import dev.recur.layer.Lengths;
import dev.recur.layer.SequenceLayer;
import dev.recur.layer.SequenceOutput;
import dev.recur.layer.StepOutput;
import dev.recur.nn.Dropout;
import dev.recur.nn.Parameter;
import dev.recur.ops.MatMul;
import dev.recur.ops.Shape;
import dev.recur.random.Rng;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stack of classic recurrent layers as PyTorch's nn.RNN / nn.LSTM / nn.GRU build it, plus IndRNN,
 * MGU and sLSTM: {@code layers} layers, optionally {@code bidirectional} (outputs of both
 * directions concatenated), {@code dropout} on the outputs of every layer but the last (training
 * only). Parameters carry PyTorch's names ({@code weight_ih_l0}, {@code weight_hh_l0_reverse}, ...)
 * and gate orders ({@code i,f,g,o}; {@code r,z,n}), so a PyTorch state dict loads as it is.
 *
 * <p>Options: {@code layers} (1), {@code bidirectional} (false), {@code dropout} (0), {@code bias}
 * (true), {@code heads} (1: head-wise block-diagonal recurrence over that many heads), LSTM's
 * {@code proj_size} (0) and {@code peepholes} (false), GRU's {@code reset} ({@code after}, PyTorch's
 * form, or {@code before}, the original), IndRNN's {@code nonlinearity} ({@code relu} or
 * {@code tanh}). States, as PyTorch returns them: {@code h} (layers·dirs, B, H_out), and LSTM's
 * {@code c}, sLSTM's {@code c, n, m} (layers·dirs, B, H).
 */
public final class ClassicLayer extends SequenceLayer {
    private final CellType type;
    private final int inputSize, hidden, layers, dirs, proj, heads;
    private final Cell cell;
    private final Parameter[] wih, whh, bih, bhh, whr, peep; // index layer * dirs + dir
    private final Dropout dropout;

    public ClassicLayer(LayerConfig config, Rng rng) {
        this.type = CellType.of(config.name());
        this.inputSize = config.inputSize();
        this.hidden = config.hiddenSize();
        this.layers = config.integer("layers", 1, 1, 1024);
        this.dirs = config.bool("bidirectional", false) ? 2 : 1;
        float p = (float) config.real("dropout", 0, 0, 1);
        boolean bias = config.bool("bias", true);
        this.heads = config.integer("heads", 1, 1, hidden);
        if (hidden % heads != 0) throw new ConfigException(config.name() + ": hidden size " + hidden + " is not divisible by heads=" + heads);
        int projSize = 0;
        boolean peepholes = false;
        if (type == CellType.LSTM) {
            projSize = config.integer("proj_size", 0, 0, hidden);
            peepholes = config.bool("peepholes", false);
            if (projSize > 0 && heads > 1) throw new ConfigException("lstm: proj_size and heads > 1 cannot be combined");
            if (projSize == hidden) throw new ConfigException("lstm: proj_size must be smaller than the hidden size " + hidden);
        }
        this.proj = projSize;
        int out = projSize > 0 ? projSize : hidden;
        boolean resetAfter = type != CellType.GRU || config.string("reset", "after", "after", "before").equals("after");
        boolean relu = type == CellType.INDRNN && config.string("nonlinearity", "relu", "relu", "tanh").equals("relu");
        this.cell = type.create(hidden, out, heads, resetAfter, relu);
        Recurrence rec = cell.rec;
        int n = layers * dirs, GH = type.gates * hidden;
        wih = new Parameter[n];
        whh = new Parameter[n];
        bih = new Parameter[n];
        bhh = new Parameter[n];
        whr = new Parameter[n];
        peep = new Parameter[n];
        float k = (float) (1 / Math.sqrt(hidden));
        for (int l = 0; l < layers; l++) {
            for (int d = 0; d < dirs; d++) {
                int i = l * dirs + d;
                String sfx = "_l" + l + (d == 1 ? "_reverse" : "");
                int in = l == 0 ? inputSize : out * dirs;
                wih[i] = parameter("weight_ih" + sfx, uniform(rng, k, GH, in));
                whh[i] = parameter("weight_hh" + sfx, uniform(rng, k, rec.shape(type.gates)));
                if (bias) {
                    bih[i] = parameter("bias_ih" + sfx, uniform(rng, k, GH));
                    bhh[i] = parameter("bias_hh" + sfx, uniform(rng, k, GH));
                }
                if (projSize > 0) whr[i] = parameter("weight_hr" + sfx, uniform(rng, k, projSize, hidden));
                if (peepholes) peep[i] = parameter("weight_ch" + sfx, uniform(rng, k, 3 * hidden));
            }
        }
        this.dropout = p > 0 && layers > 1 ? child("dropout", new Dropout(p, rng.split())) : null;
    }

    private static Tensor uniform(Rng rng, float k, int... shape) {
        Tensor t = Tensor.zeros(shape);
        rng.fillUniform(t.data(), 0, t.numel(), -k, k);
        return t;
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int outputSize() {
        return dirs * cell.outWidth;
    }

    public int layers() {
        return layers;
    }

    public boolean bidirectional() {
        return dirs == 2;
    }

    public int projSize() {
        return proj;
    }

    public int hiddenSize() {
        return hidden;
    }

    /** The state names, {@code h} first. */
    public List<String> stateNames() {
        return List.of(cell.stateNames());
    }

    @Override
    public SequenceOutput forward(Var x, Lengths lengths, LayerState initial) {
        if (x.rank() != 3 || x.dim(2) != inputSize) {
            throw new ShapeException(type.registryName() + ": input must be (T, B, " + inputSize + "), found " + Shapes.toString(x.shape()));
        }
        int B = x.dim(1);
        String[] names = cell.stateNames();
        int[] widths = cell.stateWidths();
        if (initial != null) {
            for (int k = 0; k < names.length; k++) {
                Shapes.check(type.registryName() + ": initial state " + names[k], initial.get(names[k]).shape(), layers * dirs, B, widths[k]);
            }
        }
        boolean dropsOut = dropout != null && dropout.isTraining(); // dropout applies under no-grad too (as in PyTorch)
        if (dirs == 1 && lengths == null && !dropsOut && x.dim(0) > 1 && x.dim(0) * x.dim(1) >= 16 && !needsGradient(x, initial)) {
            // nothing will run backward: step through the packed weights keeping only the current step
            // (packing costs about a few rows of products, so not for a handful of rows)
            return freezeForSequence().sequence(x.value(), initial);
        }
        List<List<Var>> finals = new ArrayList<>();
        for (String ignored : names) finals.add(new ArrayList<>());
        Var in = x;
        for (int l = 0; l < layers; l++) {
            Var[] ys = new Var[dirs];
            for (int d = 0; d < dirs; d++) {
                int i = l * dirs + d;
                Var xg = MatMul.linear(in, wih[i], bih[i]);
                Var[] s0 = new Var[names.length];
                if (initial != null) for (int k = 0; k < names.length; k++) s0[k] = Shape.select(initial.get(names[k]), 0, i);
                // xg is this layer's own intermediate: the op may write its gates into it
                Var[] o = RecurrentOp.apply(cell, xg, whh[i], bhh[i], whr[i], peep[i], s0, lengths, d == 1, true);
                ys[d] = o[0];
                for (int k = 0; k < names.length; k++) finals.get(k).add(o[1 + k]);
            }
            in = dirs == 1 ? ys[0] : Shape.concat(2, ys);
            if (dropout != null && l < layers - 1) in = dropout.forward(in);
        }
        Map<String, Var> state = new LinkedHashMap<>();
        for (int k = 0; k < names.length; k++) state.put(names[k], Shape.stack(0, finals.get(k).toArray(Var[]::new)));
        return new SequenceOutput(in, new LayerState(state));
    }

    /** Whether a backward pass could reach anything from this forward: grad mode on and some input or parameter requiring it. */
    private boolean needsGradient(Var x, LayerState initial) {
        if (!GradMode.isEnabled()) return false;
        if (x.requiresGrad()) return true;
        if (initial != null) for (Var v : initial.tensors().values()) if (v.requiresGrad()) return true;
        for (Parameter p : namedParameters().values()) if (p.requiresGrad()) return true;
        return false;
    }

    @Override
    public StepOutput step(Var x, LayerState state) {
        if (dirs == 2) {
            throw new ConfigException(type.registryName() + ": a bidirectional layer cannot run step by step (its reverse direction needs the whole sequence)");
        }
        if (x.rank() != 2) throw new ShapeException(type.registryName() + ": a step's input must be (B, " + inputSize + "), found " + Shapes.toString(x.shape()));
        SequenceOutput o = forward(Shape.unsqueeze(x, 0), null, state);
        return new StepOutput(Shape.squeeze(o.output(), 0), o.state());
    }

    /**
     * The weights as they are now, packed for fast inference steps ({@link Stream} uses this); the
     * result does not follow later changes to the weights.
     */
    FrozenLayer freeze() {
        if (dirs == 2) {
            throw new ConfigException(type.registryName() + ": a bidirectional layer cannot run step by step (its reverse direction needs the whole sequence)");
        }
        return new FrozenLayer(this, cell, layers, wih, whh, bih, bhh, whr, peep, true);
    }

    /** The weights packed for {@link FrozenLayer#sequence} (one inference pass over a sequence). */
    FrozenLayer freezeForSequence() {
        return new FrozenLayer(this, cell, layers, wih, whh, bih, bhh, whr, peep, false);
    }

    @Override
    public LayerState zeroState(int batch) {
        String[] names = cell.stateNames();
        int[] widths = cell.stateWidths();
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (int k = 0; k < names.length; k++) m.put(names[k], Tensor.zeros(layers * dirs, batch, widths[k]));
        return LayerState.fromTensors(m);
    }
}
