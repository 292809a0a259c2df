package dev.recur.nn;

import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A node of the model tree, as in PyTorch: named parameters, named buffers (non-trainable state)
 * and named children, registered in the constructor. The state dict names are dotted paths
 * ({@code blocks.0.mixer.weight_hh_l0}) so that weights interchange with PyTorch checkpoints.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a trainable parameter initialised to {@code init} (not copied). */
    protected final Parameter parameter(String name, Tensor init) {
        checkName(name);
        Parameter p = new Parameter(init);
        parameters.put(name, p);
        return p;
    }

    /** Registers a non-trainable tensor that belongs in the state dict. */
    protected final Tensor buffer(String name, Tensor value) {
        checkName(name);
        buffers.put(name, value);
        return value;
    }

    /** Registers a child module. */
    protected final <M extends Module> M child(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("bad module member name '" + name + "'");
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is already registered in " + getClass().getSimpleName());
        }
    }

    /** Direct children in registration order. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** All parameters of this module and its descendants, by dotted path, in registration order. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collectParameters("", out);
        return out;
    }

    private void collectParameters(String prefix, Map<String, Parameter> out) {
        parameters.forEach((n, p) -> out.put(prefix + n, p));
        children.forEach((n, c) -> c.collectParameters(prefix + n + ".", out));
    }

    public final List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    public final long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) n += p.value().numel();
        return n;
    }

    /** Parameters and buffers by dotted path; the tensors are the live ones, not copies. */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectState("", out);
        return out;
    }

    private void collectState(String prefix, Map<String, Tensor> out) {
        parameters.forEach((n, p) -> out.put(prefix + n, p.value()));
        buffers.forEach((n, b) -> out.put(prefix + n, b));
        children.forEach((n, c) -> c.collectState(prefix + n + ".", out));
    }

    /**
     * Copies {@code state} into this module's parameters and buffers. Every key of the module must
     * be present with the same shape; with {@code strict}, keys the module lacks are errors too.
     * {@code source} names where the state came from, for the error message.
     */
    public final void loadStateDict(Map<String, Tensor> state, boolean strict, String source) {
        Map<String, Tensor> mine = stateDict();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            Tensor t = state.get(e.getKey());
            if (t == null) {
                missing.add(e.getKey() + " " + Shapes.toString(e.getValue().shape()));
                continue;
            }
            if (!e.getValue().sameShape(t)) {
                throw new StateDictException(source + ": " + e.getKey() + ": expected shape "
                        + Shapes.toString(e.getValue().shape()) + ", found " + Shapes.toString(t.shape()));
            }
        }
        if (!missing.isEmpty()) {
            throw new StateDictException(source + ": missing " + (missing.size() == 1 ? "key " : "keys ") + String.join(", ", missing));
        }
        if (strict) {
            TreeSet<String> unexpected = new TreeSet<>(state.keySet());
            unexpected.removeAll(mine.keySet());
            if (!unexpected.isEmpty()) {
                throw new StateDictException(source + ": unexpected " + (unexpected.size() == 1 ? "key " : "keys ")
                        + String.join(", ", unexpected) + " (expected only " + String.join(", ", mine.keySet()) + ")");
            }
        }
        for (Map.Entry<String, Tensor> e : mine.entrySet()) e.getValue().copyFrom(state.get(e.getKey()));
    }

    /**
     * The generator states of this module and its descendants that are {@link Stochastic}, by
     * dotted module path ({@code ""} for this module itself), for checkpoints.
     */
    public final Map<String, long[]> rngStates() {
        Map<String, long[]> out = new LinkedHashMap<>();
        forEachStochastic("", (path, s) -> out.put(path, s.rngState()));
        return out;
    }

    /**
     * Restores generator states saved by {@link #rngStates()}; every stochastic module must have
     * an entry and every entry a stochastic module. {@code source} names the checkpoint.
     */
    public final void loadRngStates(Map<String, long[]> states, String source) {
        Map<String, Stochastic> mine = new LinkedHashMap<>();
        forEachStochastic("", mine::put);
        if (!mine.keySet().equals(states.keySet())) {
            TreeSet<String> missing = new TreeSet<>(mine.keySet()), unexpected = new TreeSet<>(states.keySet());
            missing.removeAll(states.keySet());
            unexpected.removeAll(mine.keySet());
            throw new StateDictException(source + ": random generator states do not match the model: missing "
                    + missing + ", unexpected " + unexpected);
        }
        for (Map.Entry<String, Stochastic> e : mine.entrySet()) {
            long[] st = states.get(e.getKey());
            try {
                e.getValue().restoreRngState(st);
            } catch (IllegalArgumentException ex) {
                throw new StateDictException(source + ": random generator state of '" + e.getKey() + "' is invalid: " + ex.getMessage());
            }
        }
    }

    private void forEachStochastic(String path, java.util.function.BiConsumer<String, Stochastic> visitor) {
        if (this instanceof Stochastic s) visitor.accept(path, s);
        children.forEach((n, c) -> c.forEachStochastic(path.isEmpty() ? n : path + "." + n, visitor));
    }

    /** Switches this module and its descendants to training (dropout on) or evaluation mode. */
    public Module train(boolean on) {
        training = on;
        for (Module c : children.values()) c.train(on);
        return this;
    }

    public final Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Zeroes the gradients of all parameters. */
    public final void zeroGrad() {
        for (Parameter p : parameters()) p.zeroGrad();
    }
}
