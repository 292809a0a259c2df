package dev.recur.attention;

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
import dev.recur.ssm.CausalConv;

import java.util.Map;

/**
 * A short causal convolution mixer ({@code shortconv}): each channel convolved with its own
 * {@code kernel} taps over the last inputs ({@link CausalConv}, depthwise, with bias), then an
 * optional SiLU, as flash-linear-attention's ShortConvolution. It mixes along time only; paired
 * with an MLP or another mixer it gives the cheap local context that hybrids and baselines use.
 * An input of another width than H first goes through a linear projection ({@code in_proj}).
 *
 * <p>Options: {@code kernel} (default 4), {@code activation} ({@code silu}, default, or
 * {@code none}). Parameters: {@code conv.weight} (H, 1, kernel), {@code conv.bias} (H), and
 * {@code in_proj.weight} (H, I) when I != H. State: {@code conv} (B, H, kernel-1), the last inputs.
 */
public final class ShortConv extends SequenceLayer {
    private final int inputSize, width;
    private final boolean silu;
    private final Linear inProj;
    private final CausalConv conv;

    /** The weights the math reads, so tests can run it on leaves of their own. */
    record Weights(Var inProj, Var convWeight, Var convBias) {}

    public ShortConv(int inputSize, int width, int kernel, boolean silu, Rng rng) {
        this.inputSize = inputSize;
        this.width = width;
        this.silu = silu;
        this.inProj = inputSize != width ? child("in_proj", new Linear(inputSize, width, false, rng)) : null;
        this.conv = child("conv", new CausalConv(width, kernel, true, rng));
    }

    static ShortConv fromConfig(LayerConfig c, Rng rng) {
        int kernel = c.integer("kernel", 4, 1, 1 << 12);
        boolean silu = c.string("activation", "silu", "silu", "none").equals("silu");
        return new ShortConv(c.inputSize(), c.hiddenSize(), kernel, silu, rng);
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int outputSize() {
        return width;
    }

    Weights weights() {
        return new Weights(inProj == null ? null : inProj.weight(), conv.weight(), conv.bias());
    }

    @Override
    public SequenceOutput forward(Var x, Lengths lengths, LayerState initial) {
        return forward(weights(), x, lengths, initial);
    }

    SequenceOutput forward(Weights w, Var x, Lengths lengths, LayerState initial) {
        Var u = w.inProj() == null ? x : MatMul.linear(x, w.inProj(), null);
        CausalConv.Output o = CausalConv.apply(u, w.convWeight(), w.convBias(), initial == null ? null : initial.get("conv"),
                lengths, silu);
        return new SequenceOutput(o.y(), LayerState.of("conv", o.state()));
    }

    @Override
    public StepOutput step(Var x, LayerState state) {
        SequenceOutput o = forward(Shape.unsqueeze(x, 0), null, state);
        return new StepOutput(Shape.select(o.output(), 0, 0), o.state());
    }

    @Override
    public LayerState zeroState(int batch) {
        return LayerState.fromTensors(Map.of("conv", conv.zeroState(batch)));
    }
}
