package dev.recur.model;

import dev.recur.autodiff.Var;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerRegistry;
import dev.recur.layer.LayerState;
import dev.recur.layer.Lengths;
import dev.recur.layer.SequenceLayer;
import dev.recur.layer.SequenceOutput;
import dev.recur.layer.StepOutput;
import dev.recur.nn.Dropout;
import dev.recur.nn.LayerNorm;
import dev.recur.nn.Linear;
import dev.recur.nn.Module;
import dev.recur.ops.Arith;
import dev.recur.ops.Pointwise;
import dev.recur.random.Rng;

/**
 * One block of a {@link SequenceModel}: {@code y = x + mixer(norm(x))}, then optionally
 * {@code y + mlp(norm2(y))} (pre-norm, as in most modern recurrent stacks); with {@code residual}
 * off the sums drop out, with {@code norm} off the norms do. Dropout, when set, follows the mixer
 * and the MLP.
 */
final class Block extends Module {
    private final SequenceLayer mixer;
    private final LayerNorm norm, mlpNorm;
    private final Linear up, down;
    private final Dropout dropout;
    private final boolean residual;

    Block(LayerConfig layer, ModelConfig model, Rng rng) {
        residual = model.residual();
        norm = model.norm() ? child("norm", new LayerNorm(layer.inputSize())) : null;
        mixer = child("mixer", LayerRegistry.create(layer, rng));
        if (residual && mixer.outputSize() != layer.inputSize()) {
            throw new dev.recur.ConfigException("layer " + layer.name() + " maps width " + layer.inputSize() + " to " + mixer.outputSize()
                    + "; a residual block needs equal widths (set residual=false)");
        }
        int w = mixer.outputSize();
        if (model.mlp() > 0) {
            mlpNorm = model.norm() ? child("mlp_norm", new LayerNorm(w)) : null;
            up = child("mlp_up", new Linear(w, model.mlp() * w, rng));
            down = child("mlp_down", new Linear(model.mlp() * w, w, rng));
        } else {
            mlpNorm = null;
            up = down = null;
        }
        dropout = model.dropout() > 0 ? child("dropout", new Dropout((float) model.dropout(), rng.split())) : null;
    }

    int outputSize() {
        return mixer.outputSize();
    }

    SequenceOutput forward(Var x, Lengths lengths, LayerState state) {
        SequenceOutput o = mixer.forward(norm == null ? x : norm.forward(x), lengths, state);
        return new SequenceOutput(finish(x, o.output()), o.state());
    }

    StepOutput step(Var x, LayerState state) {
        StepOutput o = mixer.step(norm == null ? x : norm.forward(x), state);
        return new StepOutput(finish(x, o.output()), o.state());
    }

    LayerState zeroState(int batch) {
        return mixer.zeroState(batch);
    }

    private Var finish(Var x, Var mixed) {
        if (dropout != null) mixed = dropout.forward(mixed);
        Var y = residual ? Arith.add(x, mixed) : mixed;
        if (up == null) return y;
        Var m = down.forward(Pointwise.gelu(up.forward(mlpNorm == null ? y : mlpNorm.forward(y))));
        if (dropout != null) m = dropout.forward(m);
        return residual ? Arith.add(y, m) : m;
    }
}
