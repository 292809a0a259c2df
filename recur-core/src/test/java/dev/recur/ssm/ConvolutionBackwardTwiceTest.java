package dev.recur.ssm;

import dev.recur.autodiff.Backprop;
import dev.recur.autodiff.Var;
import dev.recur.layer.Lengths;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The convolution form hands its kept input spectra back to a pool after the first backward pass;
 * a second backward pass through the same graph must transform the input again and give the same
 * gradients, even after another forward call has reused the arrays.
 */
class ConvolutionBackwardTwiceTest {
    @Test
    void aSecondBackwardPassGivesTheSameGradients() {
        int T = 37, B = 2, H = 20, M = 3; // 20 channels: a full block of 16 and one of 4
        Rng rng = new Rng(12);
        Tensor[] in = DiagonalSsmTest.inputs(rng, T, B, H, M, 1e-3, 1e-1);
        Var[] v = new Var[9];
        for (int i = 0; i < 9; i++) v[i] = Var.leaf(in[i]);
        Lengths lengths = Lengths.of(new int[] {T, 20});
        Var[] out = DiagonalSsmTest.apply(v, DiagonalSsm.Form.CONVOLUTION, Discretization.ZOH, lengths, false);
        Tensor seed = DiagonalSsmTest.randn(rng, 1, T, B, H);
        Tensor seedState = DiagonalSsmTest.randn(rng, 1, B, M, H);
        Backprop.run(new Var[] {out[0], out[1]}, new Tensor[] {seed, seedState});
        float[][] first = new float[9][];
        for (int i = 0; i < 9; i++) first[i] = v[i].grad().data().clone();
        // another forward + backward of the same size takes the pooled arrays and overwrites them
        Var[] w = new Var[9];
        for (int i = 0; i < 9; i++) w[i] = Var.leaf(DiagonalSsmTest.randn(rng, 1, in[i].shape()));
        for (int i = 1; i < 9; i++) w[i] = Var.leaf(in[i]);
        Var[] other = DiagonalSsmTest.apply(w, DiagonalSsm.Form.CONVOLUTION, Discretization.ZOH, lengths, false);
        Backprop.run(new Var[] {other[0]}, new Tensor[] {seed});
        // the second pass accumulates: every gradient doubles
        Backprop.run(new Var[] {out[0], out[1]}, new Tensor[] {seed, seedState});
        for (int i = 0; i < 9; i++) {
            float[] g = v[i].grad().data();
            for (int j = 0; j < g.length; j++) {
                assertEquals(2 * first[i][j], g[j], 1e-5 * (1 + Math.abs(first[i][j])), "input " + i + " element " + j);
            }
        }
    }
}
