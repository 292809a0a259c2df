package dev.recur.optim;

import dev.recur.io.FormatException;
import dev.recur.io.json.JsonValues;
import dev.recur.nn.Parameter;
import dev.recur.tensor.Tensor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with PyTorch's {@code torch.optim.SGD} semantics: with
 * {@code d = g + weightDecay * p}, the momentum buffer starts as {@code d} and then follows
 * {@code buf = momentum * buf + (1 - dampening) * d}; the step is {@code buf}, or
 * {@code d + momentum * buf} with Nesterov; {@code p -= lr * step}.
 */
public final class Sgd extends Optimizer {
    private double momentum, dampening, weightDecay;
    private boolean nesterov;
    private final Map<String, float[]> buffers = new HashMap<>();

    public Sgd(Map<String, Parameter> params, double lr) {
        this(params, lr, 0, 0, false, 0);
    }

    public Sgd(Map<String, Parameter> params, double lr, double momentum, double dampening, boolean nesterov, double weightDecay) {
        super(params, lr);
        configure(momentum, dampening, nesterov, weightDecay);
    }

    private void configure(double momentum, double dampening, boolean nesterov, double weightDecay) {
        if (!(momentum >= 0) || !(weightDecay >= 0) || Double.isInfinite(momentum) || Double.isInfinite(weightDecay) || Double.isNaN(dampening)) {
            throw new IllegalArgumentException("SGD: momentum and weight decay must be finite and >= 0 (got " + momentum + ", " + weightDecay + ")");
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum requires momentum > 0 and zero dampening");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
    }

    @Override
    public String type() {
        return "sgd";
    }

    @Override
    protected Update prepare(String name, int n) {
        float lr = (float) lr(), wd = decays(name) ? (float) weightDecay : 0f, mom = (float) momentum;
        float damp = (float) (1 - dampening);
        if (momentum == 0) {
            return (p, g, s, e) -> {
                for (int i = s; i < e; i++) p[i] -= lr * (g[i] + wd * p[i]);
            };
        }
        float[] existing = buffers.get(name);
        boolean first = existing == null;
        float[] buf = first ? new float[n] : existing;
        if (first) buffers.put(name, buf);
        boolean nest = nesterov;
        return (p, g, s, e) -> {
            for (int i = s; i < e; i++) {
                float d = g[i] + wd * p[i];
                float b = first ? d : mom * buf[i] + damp * d;
                buf[i] = b;
                p[i] -= lr * (nest ? d + mom * b : b);
            }
        };
    }

    @Override
    protected void saveHyperParameters(Map<String, Object> out) {
        out.put("momentum", momentum);
        out.put("dampening", dampening);
        out.put("nesterov", nesterov);
        out.put("weight_decay", weightDecay);
    }

    @Override
    protected void loadHyperParameters(Map<String, Object> in, String source) {
        try {
            configure(JsonValues.number(in, "momentum", source), JsonValues.number(in, "dampening", source),
                    JsonValues.bool(in, "nesterov", source), JsonValues.number(in, "weight_decay", source));
        } catch (IllegalArgumentException e) {
            throw new FormatException(source, e.getMessage());
        }
    }

    @Override
    protected void saveSlots(String name, Map<String, Tensor> tensors, Map<String, Object> scalars) {
        float[] b = buffers.get(name);
        if (b != null) tensors.put("momentum_buffer", Tensor.of(b.clone(), parameters().get(name).value().shape()));
    }

    @Override
    protected void loadSlots(String name, int[] shape, Map<String, Tensor> tensors, Map<String, Object> scalars, String source) {
        Tensor b = tensors.get("momentum_buffer");
        if (b == null) buffers.remove(name); else buffers.put(name, copyOf(b));
    }

    @Override
    protected List<String> slotNames() {
        return List.of("momentum_buffer");
    }
}
