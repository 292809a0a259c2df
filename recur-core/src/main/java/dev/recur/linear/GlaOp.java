package dev.recur.linear;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.layer.Lengths;
import dev.recur.tensor.Tensor;

/**
 * The gated-linear-attention core as one autodiff node: {@code (q, k, v, g, S_0) -> (o, S_T)}
 * over all (batch, head) sequences, in the chunkwise or the fused recurrent form, with a fused
 * backward. Inputs are time-major: q, k, g (T, B, H·dk), v (T, B, H·dv), S_0 (B, H, dk, dv) or
 * null for zeros; g is the log decay (<= 0). Outputs: o with v's shape (zero past each length),
 * and the state at each sequence's last valid step.
 */
final class GlaOp {
    private GlaOp() {}

    /** One (batch, head) sequence: rows of q, k, g (len × dk) and v (len × dv). Also used for its gradients. */
    record Seq(int len, int dk, int dv, float[] q, float[] k, float[] v, float[] g) {
        static Seq zeros(int len, int dk, int dv) {
            return new Seq(len, dk, dv, new float[len * dk], new float[len * dk], new float[len * dv], new float[len * dk]);
        }
    }

    static Var[] apply(Heads geo, Lengths lengths, Form form, int dk, int dv, Var q, Var k, Var v, Var g, Var s0) {
        Tensor qv = q.value().contiguous(), kv = k.value().contiguous(), vv = v.value().contiguous(), gv = g.value().contiguous();
        Tensor s0v = s0 == null ? null : s0.value().contiguous();
        int H = geo.heads(), B = geo.batch(), area = dk * dv;
        Tensor out = Tensor.zeros(vv.shape());
        Tensor last = Tensor.zeros(B, H, dk, dv);
        float[][] starts = new float[B * H][];
        Seq[] seqs = new Seq[B * H];
        geo.forEach((b, h) -> {
            int len = geo.length(lengths, b);
            Seq s = gather(geo, b, h, len, dk, dv, qv, kv, vv, gv);
            seqs[b * H + h] = s;
            float[] S = new float[area];
            int sOff = (b * H + h) * area;
            if (s0v != null) System.arraycopy(s0v.data(), s0v.offset() + sOff, S, 0, area);
            float[] o = new float[len * dv];
            float[] st = new float[form.intervals(len) * area];
            if (form.chunked()) {
                GlaChunkwise.forward(s, S, o, st, form.chunk());
            } else {
                GlaRecurrence.forward(s, S, o, st, form.chunk());
            }
            starts[b * H + h] = st;
            geo.scatter(o, out.data(), 0, dv, b, h, len);
            System.arraycopy(S, 0, last.data(), sOff, area);
        });
        return new Node(q, k, v, g, s0) {
            @Override
            protected void backward(Tensor[] grads) {
                Tensor dOut = grads[0] == null ? null : grads[0].contiguous();
                Tensor dLast = grads[1] == null ? null : grads[1].contiguous();
                Tensor dq = gradOf(0), dk_ = gradOf(1), dv_ = gradOf(2), dg = gradOf(3), ds0 = gradOf(4);
                geo.forEach((b, h) -> {
                    int len = geo.length(lengths, b);
                    int sOff = (b * H + h) * area;
                    float[] dS = new float[area];
                    if (dLast != null) System.arraycopy(dLast.data(), dLast.offset() + sOff, dS, 0, area);
                    if (len > 0) {
                        Seq s = seqs[b * H + h];
                        float[] dO = new float[len * dv];
                        if (dOut != null) geo.gather(dOut.data(), dOut.offset(), dv, b, h, len, dO);
                        Seq gr = Seq.zeros(len, dk, dv);
                        if (form.chunked()) {
                            GlaChunkwise.backward(s, dO, dS, starts[b * H + h], form.chunk(), gr);
                        } else {
                            GlaRecurrence.backward(s, dO, dS, starts[b * H + h], form.chunk(), gr);
                        }
                        if (dq != null) geo.scatterAdd(gr.q(), dq.data(), dq.offset(), dk, b, h, len);
                        if (dk_ != null) geo.scatterAdd(gr.k(), dk_.data(), dk_.offset(), dk, b, h, len);
                        if (dv_ != null) geo.scatterAdd(gr.v(), dv_.data(), dv_.offset(), dv, b, h, len);
                        if (dg != null) geo.scatterAdd(gr.g(), dg.data(), dg.offset(), dk, b, h, len);
                    }
                    if (ds0 != null) Blas.axpy(1f, dS, 0, ds0.data(), ds0.offset() + sOff, area);
                });
            }
        }.outputs(out, last);
    }

    private static Seq gather(Heads geo, int b, int h, int len, int dk, int dv, Tensor q, Tensor k, Tensor v, Tensor g) {
        Seq s = Seq.zeros(len, dk, dv);
        geo.gather(q.data(), q.offset(), dk, b, h, len, s.q());
        geo.gather(k.data(), k.offset(), dk, b, h, len, s.k());
        geo.gather(v.data(), v.offset(), dv, b, h, len, s.v());
        geo.gather(g.data(), g.offset(), dk, b, h, len, s.g());
        return s;
    }
}
