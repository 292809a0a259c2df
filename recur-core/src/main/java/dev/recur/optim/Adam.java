package dev.recur.optim;

import dev.recur.io.FormatException;
import dev.recur.io.json.JsonValues;
import dev.recur.nn.Parameter;
import dev.recur.tensor.Tensor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with PyTorch's {@code torch.optim.Adam} semantics: per parameter, at step t,
 * <pre>
 *   g  = grad (+ weightDecay * p, the L2 form; AdamW decays p directly instead)
 *   m  = beta1 * m + (1 - beta1) * g
 *   v  = beta2 * v + (1 - beta2) * g^2          (AMSGrad: vmax = max(vmax, v), used below for v)
 *   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * eps is added after the bias-corrected square root, as PyTorch does.
 */
public class Adam extends Optimizer {
    private final boolean decoupled;
    private double beta1, beta2, eps, weightDecay;
    private boolean amsgrad;
    private final Map<String, Moments> state = new HashMap<>();

    /** One parameter's state. */
    private static final class Moments {
        long step;
        final float[] m, v, vMax;

        Moments(float[] m, float[] v, float[] vMax, long step) {
            this.m = m;
            this.v = v;
            this.vMax = vMax;
            this.step = step;
        }
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay, no AMSGrad. */
    public Adam(Map<String, Parameter> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0, false);
    }

    public Adam(Map<String, Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        this(params, lr, beta1, beta2, eps, weightDecay, amsgrad, false);
    }

    Adam(Map<String, Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay,
         boolean amsgrad, boolean decoupled) {
        super(params, lr);
        this.decoupled = decoupled;
        configure(beta1, beta2, eps, weightDecay, amsgrad);
    }

    private void configure(double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException(type() + ": betas must be in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        }
        if (!(eps >= 0) || !(weightDecay >= 0) || Double.isInfinite(eps) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException(type() + ": eps and weight decay must be finite and >= 0 (got " + eps + ", " + weightDecay + ")");
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.amsgrad = amsgrad;
    }

    @Override
    public String type() {
        return "adam";
    }

    @Override
    protected final Update prepare(String name, int n) {
        Moments st = state.computeIfAbsent(name, k -> new Moments(new float[n], new float[n], amsgrad ? new float[n] : null, 0));
        long t = ++st.step;
        double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
        float stepSize = (float) (lr() / bc1), bc2Sqrt = (float) Math.sqrt(bc2), e = (float) eps;
        float b1 = (float) beta1, b2 = (float) beta2, c1 = (float) (1 - beta1), c2 = (float) (1 - beta2);
        boolean decay = decays(name) && weightDecay != 0;
        float l2 = decay && !decoupled ? (float) weightDecay : 0f;
        float shrink = decay && decoupled ? (float) (1 - lr() * weightDecay) : 1f;
        float[] m = st.m, v = st.v, vMax = st.vMax;
        if (vMax == null) {
            return (p, g, s, end) -> {
                for (int i = s; i < end; i++) {
                    float w = p[i] * shrink;
                    float gi = g[i] + l2 * w;
                    float mi = b1 * m[i] + c1 * gi, vi = b2 * v[i] + c2 * gi * gi;
                    m[i] = mi;
                    v[i] = vi;
                    p[i] = w - stepSize * mi / ((float) Math.sqrt(vi) / bc2Sqrt + e);
                }
            };
        }
        return (p, g, s, end) -> {
            for (int i = s; i < end; i++) {
                float w = p[i] * shrink;
                float gi = g[i] + l2 * w;
                float mi = b1 * m[i] + c1 * gi, vi = b2 * v[i] + c2 * gi * gi;
                float vm = Math.max(vMax[i], vi);
                m[i] = mi;
                v[i] = vi;
                vMax[i] = vm;
                p[i] = w - stepSize * mi / ((float) Math.sqrt(vm) / bc2Sqrt + e);
            }
        };
    }

    @Override
    protected final void saveHyperParameters(Map<String, Object> out) {
        out.put("betas", List.of(beta1, beta2));
        out.put("eps", eps);
        out.put("weight_decay", weightDecay);
        out.put("amsgrad", amsgrad);
    }

    @Override
    protected final void loadHyperParameters(Map<String, Object> in, String source) {
        List<Object> betas = JsonValues.array(JsonValues.require(in, "betas", source), source, "\"betas\"");
        if (betas.size() != 2 || !(betas.get(0) instanceof Number b1) || !(betas.get(1) instanceof Number b2)) {
            throw new FormatException(source, "\"betas\": expected two numbers, found " + betas);
        }
        try {
            configure(b1.doubleValue(), b2.doubleValue(), JsonValues.number(in, "eps", source),
                    JsonValues.number(in, "weight_decay", source), JsonValues.bool(in, "amsgrad", source));
        } catch (IllegalArgumentException e) {
            throw new FormatException(source, e.getMessage());
        }
        for (Map.Entry<String, Moments> e : state.entrySet()) {
            if (amsgrad && e.getValue().vMax == null) {
                throw new FormatException(source, "optimizer state of " + e.getKey() + " lacks max_exp_avg_sq, which AMSGrad needs");
            }
        }
    }

    @Override
    protected final void saveSlots(String name, Map<String, Tensor> tensors, Map<String, Object> scalars) {
        Moments st = state.get(name);
        if (st == null) return;
        int[] shape = parameters().get(name).value().shape();
        tensors.put("exp_avg", Tensor.of(st.m.clone(), shape));
        tensors.put("exp_avg_sq", Tensor.of(st.v.clone(), shape));
        if (st.vMax != null) tensors.put("max_exp_avg_sq", Tensor.of(st.vMax.clone(), shape));
        scalars.put("step", st.step);
    }

    @Override
    protected final void loadSlots(String name, int[] shape, Map<String, Tensor> tensors, Map<String, Object> scalars, String source) {
        if (!scalars.containsKey("step") && tensors.isEmpty()) {
            state.remove(name);
            return;
        }
        long step = JsonValues.integer(scalars, "step", source);
        Tensor m = tensors.get("exp_avg"), v = tensors.get("exp_avg_sq"), vMax = tensors.get("max_exp_avg_sq");
        if (step < 1 || m == null || v == null) {
            throw new FormatException(source, "optimizer state of " + name + " needs step >= 1, exp_avg and exp_avg_sq");
        }
        state.put(name, new Moments(copyOf(m), copyOf(v), vMax == null ? null : copyOf(vMax), step));
    }

    @Override
    protected final List<String> slotNames() {
        return List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq");
    }
}
