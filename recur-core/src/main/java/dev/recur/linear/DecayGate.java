package dev.recur.linear;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

/**
 * The data-dependent decay of Gated DeltaNet (Yang et al. 2024, "Gated Delta Networks", §3.4,
 * following Mamba-2): per head h, {@code g = −exp(A_log_h) · softplus(a + dt_bias_h)}, the log of
 * α_t = exp(g) ∈ (0, 1], where {@code a} is a projection of the input (…, H). The parameters
 * belong to the layer (flash-linear-attention's names {@code A_log}, {@code dt_bias}) and are
 * initialised as in its code: A ~ U(0, 16), dt log-uniform in [0.001, 0.1], dt_bias = softplus⁻¹(dt).
 */
final class DecayGate {
    private DecayGate() {}

    static Tensor initialALog(int heads, Rng rng) {
        Tensor a = Tensor.zeros(heads);
        for (int h = 0; h < heads; h++) a.data()[h] = (float) Math.log(Math.max(1e-4, 16 * rng.nextDouble()));
        return a;
    }

    static Tensor initialDtBias(int heads, Rng rng) {
        Tensor dt = Tensor.zeros(heads);
        for (int h = 0; h < heads; h++) {
            double t = Math.exp(rng.nextDouble() * (Math.log(0.1) - Math.log(0.001)) + Math.log(0.001));
            t = Math.max(t, 1e-4);
            dt.data()[h] = (float) (t + Math.log(-Math.expm1(-t)));
        }
        return dt;
    }

    /** The log decay g, shaped as {@code a}. */
    static Var apply(Var a, Var aLog, Var dtBias) {
        Tensor av = a.value().contiguous(), al = aLog.value().contiguous(), db = dtBias.value().contiguous();
        int n = av.numel(), heads = al.numel();
        Tensor g = Tensor.zeros(av.shape());
        float[] slope = new float[n];
        for (int i = 0; i < n; i++) {
            int h = i % heads;
            double z = av.data()[av.offset() + i] + db.data()[db.offset() + h], A = Math.exp(al.data()[al.offset() + h]);
            double sp = z > 20 ? z : Math.log1p(Math.exp(z));
            g.data()[i] = (float) (-A * sp);
            slope[i] = (float) (-A / (1 + Math.exp(-z)));
        }
        return new Node(a, aLog, dtBias) {
            @Override
            protected void backward(Tensor[] grads) {
                Tensor dg = grads[0].contiguous();
                Tensor da = gradOf(0), dA = gradOf(1), dDt = gradOf(2);
                for (int i = 0; i < n; i++) {
                    int h = i % heads;
                    float d = dg.data()[dg.offset() + i], dz = d * slope[i];
                    if (da != null) da.data()[da.offset() + i] += dz;
                    if (dDt != null) dDt.data()[dDt.offset() + h] += dz;
                    if (dA != null) dA.data()[dA.offset() + h] += d * g.data()[i];
                }
            }
        }.output(g);
    }
}
