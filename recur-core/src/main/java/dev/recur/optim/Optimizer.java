package dev.recur.optim;

import dev.recur.io.FormatException;
import dev.recur.io.json.JsonValues;
import dev.recur.kernel.Parallel;
import dev.recur.nn.Parameter;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A first-order optimizer over named parameters, with PyTorch's update rules. A parameter whose
 * gradient is null (never reached by a backward pass) is skipped and gets no state, as in
 * PyTorch. State is per parameter name, so that {@link #stateDict()} / {@link #loadStateDict}
 * resume a run exactly.
 *
 * <p>Updates are elementwise loops over the float arrays, split over the compute pool for large
 * parameters. They index parameter and gradient from 0: C2 does not vectorise a loop that reads
 * and writes arrays at two unknown offsets (they might alias at a distance), which made Adam's
 * loop several times slower. A parameter or gradient that is a view at an offset is copied out
 * and back (modules allocate their own, so in practice nothing is copied).
 */
public abstract class Optimizer {
    /** Elements per parallel chunk of an update. */
    private static final int GRAIN = 1 << 15;

    private final Map<String, Parameter> params;
    private final Set<String> noDecay = new LinkedHashSet<>();
    private double lr;

    protected Optimizer(Map<String, Parameter> params, double lr) {
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        for (Map.Entry<String, Parameter> e : this.params.entrySet()) {
            if (!e.getValue().value().isContiguous()) {
                throw new IllegalArgumentException("parameter '" + e.getKey() + "' is not contiguous");
            }
        }
        setLr(lr);
    }

    /** {@code "sgd"}, {@code "adam"}, {@code "adamw"}: the type recorded in the state. */
    public abstract String type();

    public final double lr() {
        return lr;
    }

    /** Sets the learning rate for the following steps (a {@link Schedule} calls this before each step). */
    public final void setLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        this.lr = lr;
    }

    public final Map<String, Parameter> parameters() {
        return params;
    }

    /**
     * Exempts the parameters whose names match from weight decay (commonly biases and norm
     * weights: {@code n -> n.endsWith("bias") || n.contains("norm")}). Returns this optimizer.
     */
    public final Optimizer excludeFromWeightDecay(Predicate<String> names) {
        for (String n : params.keySet()) if (names.test(n)) noDecay.add(n);
        return this;
    }

    protected final boolean decays(String name) {
        return !noDecay.contains(name);
    }

    /** Applies one update to every parameter that has a gradient. */
    public final void step() {
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Parameter p = e.getValue();
            Tensor g = p.grad();
            if (g == null) continue;
            Tensor v = p.value();
            int n = v.numel();
            Update u = prepare(e.getKey(), n);
            float[] pd = v.offset() == 0 ? v.data() : v.toArray(), gd = g.offset() == 0 ? g.data() : g.toArray();
            Parallel.forRange(n, GRAIN, (s, end) -> u.apply(pd, gd, s, end));
            if (pd != v.data()) System.arraycopy(pd, 0, v.data(), v.offset(), n);
        }
    }

    /** Zeroes every parameter's gradient (keeping the buffers). */
    public final void zeroGrad() {
        for (Parameter p : params.values()) p.zeroGrad();
    }

    /** One parameter's update over the element range {@code [start, end)}; {@code p} and {@code g} start at index 0. */
    @FunctionalInterface
    protected interface Update {
        void apply(float[] p, float[] g, int start, int end);
    }

    /**
     * Advances the state of parameter {@code name} (n elements) by one step (step counts, bias
     * corrections) and returns its elementwise update.
     */
    protected abstract Update prepare(String name, int n);

    /** Hyper-parameters as JSON scalars (excluding the learning rate and the decay exemptions). */
    protected abstract void saveHyperParameters(Map<String, Object> out);

    protected abstract void loadHyperParameters(Map<String, Object> in, String source);

    /** Per-parameter state: slot tensors (copies) and per-parameter scalars, for the parameters that have state. */
    protected abstract void saveSlots(String name, Map<String, Tensor> tensors, Map<String, Object> scalars);

    /**
     * Replaces the state of parameter {@code name} (whose value has {@code shape}) from the saved
     * slots, or clears it when the state has none for it.
     */
    protected abstract void loadSlots(String name, int[] shape, Map<String, Tensor> tensors, Map<String, Object> scalars, String source);

    /** The slot names a parameter's state may have, to reject unknown tensors. */
    protected abstract List<String> slotNames();

    /** A snapshot of the state (tensors are copies). */
    public final OptimizerState stateDict() {
        Map<String, Object> scalars = new LinkedHashMap<>();
        scalars.put("type", type());
        scalars.put("lr", lr);
        saveHyperParameters(scalars);
        scalars.put("no_weight_decay", new ArrayList<Object>(noDecay));
        Map<String, Object> perParam = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            Map<String, Tensor> slots = new LinkedHashMap<>();
            Map<String, Object> sc = new LinkedHashMap<>();
            saveSlots(name, slots, sc);
            slots.forEach((slot, t) -> tensors.put(name + "." + slot, t));
            if (!sc.isEmpty()) perParam.put(name, sc);
        }
        scalars.put("state", perParam);
        return new OptimizerState(scalars, tensors);
    }

    /**
     * Restores a state saved by {@link #stateDict()} of an optimizer of the same type over
     * parameters with the same names and shapes; {@code source} names the checkpoint in errors.
     * Hyper-parameters (including the learning rate) are restored too, as in PyTorch.
     */
    public final void loadStateDict(OptimizerState state, String source) {
        Map<String, Object> s = state.scalars();
        String type = JsonValues.string(s, "type", source);
        if (!type.equals(type())) throw new FormatException(source, "optimizer state is for '" + type + "', this optimizer is '" + type() + "'");
        Map<String, Object> perParam = JsonValues.object(JsonValues.require(s, "state", source), source, "\"state\"");
        TreeSet<String> unknown = new TreeSet<>(perParam.keySet());
        unknown.removeAll(params.keySet());
        List<String> slots = slotNames();
        for (String key : state.tensors().keySet()) {
            int dot = key.lastIndexOf('.');
            if (dot < 0 || !params.containsKey(key.substring(0, dot)) || !slots.contains(key.substring(dot + 1))) unknown.add(key);
        }
        if (!unknown.isEmpty()) {
            throw new FormatException(source, "optimizer state has entries for unknown parameters or slots: " + unknown
                    + " (parameters: " + params.keySet() + ")");
        }
        double newLr = JsonValues.number(s, "lr", source);
        List<Object> exempt = JsonValues.array(JsonValues.require(s, "no_weight_decay", source), source, "\"no_weight_decay\"");
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String name = e.getKey();
            int[] shape = e.getValue().value().shape();
            Map<String, Tensor> t = new LinkedHashMap<>();
            for (String slot : slots) {
                Tensor v = state.tensors().get(name + "." + slot);
                if (v == null) continue;
                if (!Shapes.equal(v.shape(), shape)) {
                    throw new FormatException(source, "optimizer state " + name + "." + slot + ": expected shape "
                            + Shapes.toString(shape) + ", found " + Shapes.toString(v.shape()));
                }
                t.put(slot, v);
            }
            Object sc = perParam.get(name);
            loadSlots(name, shape, t, sc == null ? Map.of() : JsonValues.object(sc, source, "state of " + name), source);
        }
        loadHyperParameters(s, source);
        setLr(newLr);
        noDecay.clear();
        for (Object o : exempt) noDecay.add(String.valueOf(o));
    }

    /** A saved slot tensor copied into a new contiguous array. */
    protected static float[] copyOf(Tensor t) {
        return t.toArray();
    }
}
