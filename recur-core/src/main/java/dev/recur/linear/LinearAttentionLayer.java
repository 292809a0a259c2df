package dev.recur.linear;

import dev.recur.ConfigException;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerState;
import dev.recur.layer.Lengths;
import dev.recur.layer.SequenceLayer;
import dev.recur.layer.SequenceOutput;
import dev.recur.layer.StepOutput;
import dev.recur.ops.Shape;
import dev.recur.ssm.CausalConv;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the linear-attention mixers share: input (T, B, inputSize) to output (T, B, width), the
 * options {@code heads} (default: width / 64 when that divides, else 1), {@code chunk} (chunk
 * length of the chunkwise form, default 64) and {@code mode} ({@code chunk}, {@code recurrent} or
 * {@code auto}: chunkwise when the sequence is longer than one chunk), and the plumbing of
 * forward, step and state. {@link #step} runs the fused recurrent form on one token, so streaming
 * one token at a time gives what {@link #forward} gives over the sequence.
 */
public abstract class LinearAttentionLayer extends SequenceLayer {
    protected final int inputSize, width, heads, chunk;
    protected final Mode mode;

    protected LinearAttentionLayer(LayerConfig config) {
        this.inputSize = config.inputSize();
        this.width = config.hiddenSize();
        this.heads = config.integer("heads", width % 64 == 0 ? width / 64 : 1, 1, width);
        this.chunk = config.integer("chunk", 64, 1, 4096);
        this.mode = Mode.valueOf(config.string("mode", "auto", "chunk", "recurrent", "auto").toUpperCase(Locale.ROOT));
        if (width % heads != 0) {
            throw new ConfigException(config.name() + ": width " + width + " is not divisible by heads=" + heads);
        }
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

    /**
     * The layer's computation over x (T, B, inputSize), or (B, inputSize) for one step; every
     * intermediate keeps x's leading dimensions. {@code state} is null for zeros.
     */
    protected abstract SequenceOutput mix(Var x, Heads geo, Lengths lengths, LayerState state, Form form);

    /** The names and shapes of the streaming state for a batch. */
    protected abstract Map<String, int[]> stateShapes(int batch);

    @Override
    public final SequenceOutput forward(Var x, Lengths lengths, LayerState initial) {
        if (x.rank() != 3 || x.dim(2) != inputSize) {
            throw new ShapeException(getClass().getSimpleName() + ": input must be (T, B, " + inputSize + "), found "
                    + Shapes.toString(x.shape()));
        }
        int T = x.dim(0), B = x.dim(1);
        if (lengths != null) lengths.check(B, T);
        checkState(initial, B);
        return mix(x, new Heads(T, B, heads), lengths, initial, new Form(mode.chunked(T, chunk), chunk));
    }

    @Override
    public final StepOutput step(Var x, LayerState state) {
        if (x.rank() != 2 || x.dim(1) != inputSize) {
            throw new ShapeException(getClass().getSimpleName() + ": step input must be (B, " + inputSize + "), found "
                    + Shapes.toString(x.shape()));
        }
        checkState(state, x.dim(0));
        SequenceOutput out = mix(x, new Heads(1, x.dim(0), heads), null, state, new Form(false, chunk));
        return new StepOutput(out.output(), out.state());
    }

    @Override
    public LayerState zeroState(int batch) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        stateShapes(batch).forEach((k, s) -> m.put(k, Tensor.zeros(s)));
        return LayerState.fromTensors(m);
    }

    private void checkState(LayerState state, int batch) {
        if (state == null) return;
        Map<String, int[]> expected = stateShapes(batch);
        if (!state.tensors().keySet().equals(expected.keySet())) {
            throw new ShapeException(getClass().getSimpleName() + ": state must hold " + expected.keySet() + ", found "
                    + state.tensors().keySet());
        }
        expected.forEach((k, s) -> Shapes.check(getClass().getSimpleName() + ": state '" + k + "'", state.get(k).shape(), s));
    }

    /** The state tensor {@code key}, or null when there is no state (zeros). */
    protected static Var stateOf(LayerState state, String key) {
        return state == null ? null : state.get(key);
    }

    /**
     * A projected feature (T, B, C), or (B, C) for a step, through the short depthwise causal convolution (no bias) with
     * SiLU when {@code conv} is not null, else unchanged; returns {feature, conv state (B, C, K-1)
     * or null}. This is flash-linear-attention's ShortConvolution, the same op as Mamba's conv1d.
     */
    protected static Var[] convolved(Var projected, CausalConv conv, LayerState state, String key, Lengths lengths) {
        if (conv == null) return new Var[] {projected, null};
        boolean step = projected.rank() == 2; // a streaming step: (B, C) is a sequence of one
        Var x = step ? Shape.unsqueeze(projected, 0) : projected;
        CausalConv.Output o = CausalConv.apply(x, conv.weight(), null, stateOf(state, key), lengths, true);
        return new Var[] {step ? Shape.select(o.y(), 0, 0) : o.y(), o.state()};
    }

    /**
     * The states of a layer with a matrix memory {@code S} (B, heads, dk, dv) and, when it has them,
     * short convolutions on q, k and v ({@code conv_q}, {@code conv_k}, {@code conv_v}).
     */
    protected static Map<String, int[]> matrixStateShapes(int batch, int heads, int dk, int dv,
                                                          CausalConv qConv, CausalConv kConv, CausalConv vConv) {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("S", new int[] {batch, heads, dk, dv});
        if (qConv != null) m.put("conv_q", qConv.zeroState(batch).shape());
        if (kConv != null) m.put("conv_k", kConv.zeroState(batch).shape());
        if (vConv != null) m.put("conv_v", vConv.zeroState(batch).shape());
        return m;
    }

    /** A state map that leaves out null entries (absent convolutions). */
    protected static LayerState newState(Object... namesAndValues) {
        Map<String, Var> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) m.put((String) namesAndValues[i], (Var) namesAndValues[i + 1]);
        }
        return new LayerState(m);
    }
}
