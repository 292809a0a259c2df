package dev.recur.testing;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.nn.Parameter;
import dev.recur.nn.UnaryModule;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link GradCheck} for a module: its forward against a float64 reference of the input and the
 * parameters (by state-dict name), and the gradients of the input and of every parameter against
 * central finite differences of that reference, under a random upstream gradient.
 */
public final class ModuleCheck {
    private ModuleCheck() {}

    @FunctionalInterface
    public interface Ref64 {
        double[] apply(double[] x, Map<String, double[]> params);
    }

    /** Returns the worst relative RMS error (forward, input gradient, parameter gradients). */
    public static double check(UnaryModule module, Tensor input, Ref64 ref, long seed) {
        Map<String, Parameter> params = module.namedParameters();
        module.zeroGrad();
        Var x = Var.leaf(input.copy());
        Var y = module.forward(x);
        Rng rng = new Rng(seed);
        double[] g = new double[y.value().numel()];
        float[] gf = new float[g.length];
        for (int i = 0; i < g.length; i++) g[i] = gf[i] = (float) rng.nextGaussian();
        y.backward(Tensor.of(gf, y.shape()));

        double[] x64 = input.toDoubleArray();
        Map<String, double[]> p64 = new LinkedHashMap<>();
        params.forEach((n, p) -> p64.put(n, p.value().toDoubleArray()));
        double worst = GradCheck.relRms(y.value().toDoubleArray(), ref.apply(x64, p64));

        List<double[]> arrays = new ArrayList<>();
        List<Tensor> grads = new ArrayList<>();
        arrays.add(x64);
        grads.add(x.grad());
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            arrays.add(p64.get(e.getKey()));
            grads.add(e.getValue().grad());
        }
        for (int a = 0; a < arrays.size(); a++) {
            double[] arr = arrays.get(a), fd = new double[arr.length];
            for (int j = 0; j < arr.length; j++) {
                double x0 = arr[j], h = 1e-5 * Math.max(1, Math.abs(x0));
                arr[j] = x0 + h;
                double lp = dot(ref.apply(x64, p64), g);
                arr[j] = x0 - h;
                double lm = dot(ref.apply(x64, p64), g);
                arr[j] = x0;
                fd[j] = (lp - lm) / (2 * h);
            }
            Tensor an = grads.get(a);
            worst = Math.max(worst, GradCheck.relRms(an == null ? new double[arr.length] : an.toDoubleArray(), fd));
        }
        return worst;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
