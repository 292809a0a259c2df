package dev.recur.nn;

import dev.recur.autodiff.Var;

import java.util.List;

/** Modules applied one after another; children are named "0", "1", ... as in PyTorch. */
public final class Sequential extends UnaryModule {
    private final List<UnaryModule> layers;

    public Sequential(UnaryModule... layers) {
        this.layers = List.of(layers);
        for (int i = 0; i < layers.length; i++) child(Integer.toString(i), layers[i]);
    }

    @Override
    public Var forward(Var x) {
        Var h = x;
        for (UnaryModule m : layers) h = m.forward(h);
        return h;
    }

    public int size() {
        return layers.size();
    }

    public UnaryModule get(int i) {
        return layers.get(i);
    }
}
