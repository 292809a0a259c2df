package dev.recur.optim;

import dev.recur.nn.Parameter;

import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter), PyTorch's {@code torch.optim.AdamW}:
 * before the Adam update, {@code p *= 1 - lr * weightDecay}; the gradient itself is not decayed.
 */
public final class AdamW extends Adam {
    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01, no AMSGrad. */
    public AdamW(Map<String, Parameter> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.01, false);
    }

    public AdamW(Map<String, Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        super(params, lr, beta1, beta2, eps, weightDecay, amsgrad, true);
    }

    @Override
    public String type() {
        return "adamw";
    }
}
