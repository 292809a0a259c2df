package dev.recur.linear;

import java.util.Map;

import static dev.recur.linear.RefOps.gatedRmsNorm;
import static dev.recur.linear.RefOps.l2Normalize;
import static dev.recur.linear.RefOps.linear;
import static dev.recur.linear.RefOps.logSigmoid;
import static dev.recur.linear.RefOps.scale;
import static dev.recur.linear.RefOps.shortConv;
import static dev.recur.linear.RefOps.silu;

/**
 * Float64 references of the whole linear-attention layers, step by step from the papers:
 * projections, short convolutions, feature maps and gates, the recurrence ({@link CoreReference}),
 * output norm and gate, output projection. Inputs are named as the layer's parameters, plus
 * {@code x} and {@code state.<key>} (absent for a zero state); outputs are y followed by the
 * state tensors in the layer's order.
 */
final class LayerReference {
    private LayerReference() {}

    /** Sizes of a test: steps, batch, input width, model width, heads, lengths (or null). */
    record Dims(int T, int B, int D, int W, int H, int[] lengths) {
        int rows() {
            return T * B;
        }
    }

    static double[][] gla(Map<String, double[]> p, Dims d, int keyWidth, int rank, double temperature, int conv) {
        int rows = d.rows(), dk = keyWidth / d.H(), dv = d.W() / d.H();
        double[] x = p.get("x");
        double[][] q = maybeConv(linear(x, p.get("q_proj.weight"), null, rows, d.D(), keyWidth), p, "q", d, keyWidth, conv);
        double[][] k = maybeConv(linear(x, p.get("k_proj.weight"), null, rows, d.D(), keyWidth), p, "k", d, keyWidth, conv);
        double[][] v = maybeConv(linear(x, p.get("v_proj.weight"), null, rows, d.D(), d.W()), p, "v", d, d.W(), conv);
        double[] low = linear(x, p.get("gk_proj.0.weight"), null, rows, d.D(), rank);
        double[] gk = logSigmoid(linear(low, p.get("gk_proj.1.weight"), p.get("gk_proj.1.bias"), rows, rank, keyWidth), 1 / temperature);
        double[][] core = CoreReference.gla(scale(q[0], 1 / Math.sqrt(dk)), k[0], v[0], gk, p.get("state.S"),
                d.T(), d.B(), d.H(), dk, dv, d.lengths());
        double[] z = linear(x, p.get("g_proj.weight"), null, rows, d.D(), d.W());
        double[] y = output(p, "g_norm", "o_proj", core[0], z, false, d, dv);
        return conv > 0 ? new double[][] {y, core[1], q[1], k[1], v[1]} : new double[][] {y, core[1]};
    }

    static double[][] deltaRule(Map<String, double[]> p, Dims d, int nh, int conv, boolean gated, boolean outputGate,
                                boolean negativeEigen) {
        int rows = d.rows(), W = d.W(), H = d.H(), dk = W / H;
        double[] x = p.get("x");
        double[][] q = maybeConv(linear(x, p.get("q_proj.weight"), null, rows, d.D(), W), p, "q", d, W, conv);
        double[][] k = maybeConv(linear(x, p.get("k_proj.weight"), null, rows, d.D(), nh * W), p, "k", d, nh * W, conv);
        double[][] v = maybeConv(linear(x, p.get("v_proj.weight"), null, rows, d.D(), nh * W), p, "v", d, nh * W, conv);
        double[] qf = l2Normalize(conv > 0 ? q[0] : silu(q[0]), dk, 1 / Math.sqrt(dk));
        double[] kf = l2Normalize(conv > 0 ? k[0] : silu(k[0]), dk, 1);
        double[] vf = conv > 0 ? v[0] : silu(v[0]);
        double[] beta = RefOps.sigmoid(linear(x, p.get("b_proj.weight"), null, rows, d.D(), nh * H), negativeEigen ? 2 : 1);
        double[] g = gated ? RefOps.decay(linear(x, p.get("a_proj.weight"), null, rows, d.D(), H), p.get("A_log"), p.get("dt_bias")) : null;
        double[][] core = CoreReference.delta(qf, kf, vf, beta, g, p.get("state.S"), d.T(), d.B(), H, nh, dk, dk, d.lengths());
        double[] z = outputGate ? linear(x, p.get("g_proj.weight"), null, rows, d.D(), W) : null;
        double[] y = output(p, "o_norm", "o_proj", core[0], z, false, d, dk);
        return conv > 0 ? new double[][] {y, core[1], q[1], k[1], v[1]} : new double[][] {y, core[1]};
    }

    static double[][] mlstm(Map<String, double[]> p, Dims d) {
        int rows = d.rows(), W = d.W(), H = d.H(), dk = W / H;
        double[] x = p.get("x");
        double[] q = linear(x, p.get("q_proj.weight"), null, rows, d.D(), W);
        double[] k = scale(linear(x, p.get("k_proj.weight"), null, rows, d.D(), W), 1 / Math.sqrt(dk));
        double[] v = linear(x, p.get("v_proj.weight"), null, rows, d.D(), W);
        double[] ig = linear(x, p.get("igate.weight"), p.get("igate.bias"), rows, d.D(), H);
        double[] lf = logSigmoid(linear(x, p.get("fgate.weight"), p.get("fgate.bias"), rows, d.D(), H), 1);
        double[][] core = CoreReference.mlstm(q, k, v, ig, lf, p.get("state.C"), p.get("state.n"), p.get("state.m"),
                d.T(), d.B(), H, dk, dk, d.lengths());
        double[] z = linear(x, p.get("ogate.weight"), null, rows, d.D(), W);
        double[] y = output(p, "norm", "out_proj", core[0], z, true, d, dk);
        return new double[][] {y, core[1], core[2], core[3]};
    }

    private static double[][] maybeConv(double[] projected, Map<String, double[]> p, String name, Dims d, int channels, int conv) {
        if (conv == 0) return new double[][] {projected, null};
        return shortConv(projected, p.get(name + "_conv1d.weight"), p.get("state.conv_" + name), d.T(), d.B(), channels, conv, d.lengths());
    }

    private static double[] output(Map<String, double[]> p, String norm, String proj, double[] o, double[] z, boolean sigmoidGate,
                                   Dims d, int dv) {
        double[] n = gatedRmsNorm(o, z, p.get(norm + ".weight"), sigmoidGate, d.T(), d.B(), d.H(), dv, d.lengths());
        return linear(n, p.get(proj + ".weight"), null, d.rows(), d.W(), d.W());
    }
}
