package dev.recur.rnn;

import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerState;
import dev.recur.layer.LayerStates;
import dev.recur.layer.SequenceLayer;
import dev.recur.layer.StepOutput;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Streaming inference over a stack of sequence layers (any kind, not only the classic ones): each
 * call advances every layer by one input, the output of one feeding the next, with the states held
 * in an explicit {@link State} that the caller owns. A state can be saved to a file and restored
 * later; the continued outputs are the same bits as if the stream had never stopped.
 *
 * <p>A stream is an inference object: it captures the weights of classic recurrent layers when it
 * is made (packed for the step's products), so make a new one after the weights change.
 *
 * <p>Threads: the state is the caller's, and a classic layer's step keeps nothing between calls
 * except its thread's own gate scratch, so several threads may step one stream at once, each with
 * its own {@link State}; another kind of layer is as safe to share as its own {@code step}.
 */
public final class Stream {
    /** The states of every layer of the stack after some number of steps. */
    public record State(List<LayerState> layers) {
        public State {
            layers = List.copyOf(layers);
        }

        public void save(Path path) {
            LayerStates.save(path, layers);
        }

        public static State load(Path path) {
            return new State(LayerStates.load(path));
        }
    }

    private final List<SequenceLayer> layers;
    private final List<FrozenLayer> frozen; // per layer: the packed inference form of a classic layer, else null

    public Stream(List<SequenceLayer> layers) {
        if (layers.isEmpty()) throw new IllegalArgumentException("a stream needs at least one layer");
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i).inputSize() != layers.get(i - 1).outputSize()) {
                throw new ShapeException("stream: layer " + i + " takes " + layers.get(i).inputSize() + " features, layer " + (i - 1)
                        + " gives " + layers.get(i - 1).outputSize());
            }
        }
        this.layers = List.copyOf(layers);
        List<FrozenLayer> f = new ArrayList<>();
        for (SequenceLayer l : layers) f.add(l instanceof ClassicLayer c ? c.freeze() : null);
        this.frozen = f;
    }

    /** Layer i's packed inference form, or null when it is not a classic layer. */
    FrozenLayer frozen(int i) {
        return frozen.get(i);
    }

    public State zeroState(int batch) {
        List<LayerState> s = new ArrayList<>();
        for (SequenceLayer l : layers) s.add(l.zeroState(batch));
        return new State(s);
    }

    /** The result of one step: the top layer's output (B, outputSize) and the states after it. */
    public record Result(Tensor output, State state) {}

    /** Advances the stack by one input {@code x} (B, inputSize), without recording gradients. */
    public Result step(Tensor x, State state) {
        if (x.rank() != 2 || x.dim(1) != layers.get(0).inputSize()) {
            throw new ShapeException("stream: input must be (B, " + layers.get(0).inputSize() + "), found " + Shapes.toString(x.shape()));
        }
        if (state.layers().size() != layers.size()) {
            throw new ShapeException("stream: state has " + state.layers().size() + " layers, the stack " + layers.size());
        }
        List<LayerState> next = new ArrayList<>(layers.size());
        Var h = Var.constant(x);
        try (var off = GradMode.off()) {
            for (int i = 0; i < layers.size(); i++) {
                FrozenLayer f = frozen.get(i);
                StepOutput o = f != null ? f.step(h.value(), state.layers().get(i)) : layers.get(i).step(h, state.layers().get(i));
                h = o.output();
                next.add(o.state());
            }
        }
        return new Result(h.value(), new State(next));
    }
}
