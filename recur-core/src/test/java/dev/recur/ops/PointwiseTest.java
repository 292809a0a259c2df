package dev.recur.ops;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.kernel.scalar.ScalarMath;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static dev.recur.testing.TestTensors.awayFromZero;
import static dev.recur.testing.TestTensors.randn;
import static dev.recur.testing.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class PointwiseTest {
    private static void check(UnaryOperator<Var> op, DoubleUnaryOperator f, Tensor x, double tol) {
        // A transposed view as input also exercises the contiguous() path.
        GradCheck.check(new Tensor[] {x}, new boolean[] {true}, v -> op.apply(v[0]),
                d -> Arrays.stream(d[0]).map(f).toArray(), 11).assertWithin(tol);
        Tensor view = x.view(x.dim(0), -1).transpose(0, 1);
        Var y = op.apply(Var.constant(view));
        double[] ref = Arrays.stream(view.toDoubleArray()).map(f).toArray();
        double err = GradCheck.relRms(y.value().toDoubleArray(), ref);
        if (err > tol) throw new AssertionError("forward on a strided view: rel. error " + err);
    }

    private static Tensor x(long seed) {
        return randn(new Rng(seed), 3, 7).view(3, 7).copy();
    }

    @Test
    void sigmoid() {
        check(Pointwise::sigmoid, t -> 1 / (1 + Math.exp(-t)), x(1), 1e-5);
    }

    @Test
    void tanh() {
        check(Pointwise::tanh, Math::tanh, x(2), 1e-5);
    }

    @Test
    void exp() {
        check(Pointwise::exp, Math::exp, x(3), 1e-5);
    }

    @Test
    void log() {
        check(Pointwise::log, Math::log, uniform(new Rng(4), 0.2f, 3f, 3, 7), 1e-5);
    }

    @Test
    void relu() {
        check(Pointwise::relu, t -> Math.max(t, 0), awayFromZero(new Rng(5), 0.05f, 3, 7), 1e-5);
        Var z = Var.leaf(Tensor.of(new float[] {0f, -1f, 2f}, 3));
        Reduce.sum(Pointwise.relu(z)).backward();
        assertArrayEquals(new float[] {0f, 0f, 1f}, z.grad().toArray()); // derivative 0 at the kink, as PyTorch
    }

    @Test
    void silu() {
        check(Pointwise::silu, t -> t / (1 + Math.exp(-t)), x(6), 1e-5);
    }

    @Test
    void gelu() {
        check(Pointwise::gelu, t -> t * 0.5 * (1 + ScalarMath.erf(t / Math.sqrt(2))), x(7), 1e-5);
    }

    @Test
    void softplus() {
        Tensor t = randn(new Rng(8), 3, 7);
        t.data()[0] = 30f; // the overflow-free branch
        t.data()[1] = -30f;
        check(Pointwise::softplus, v -> Math.log1p(Math.exp(v)), t, 1e-5);
    }
}
