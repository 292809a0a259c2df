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
        float[][] qs = geo.gatherAll(qv.data(), qv.offset(), dk, lengths), ks = geo.gatherAll(kv.data(), kv.offset(), dk, lengths);
        float[][] vs = geo.gatherAll(vv.data(), vv.offset(), dv, lengths), gs = geo.gatherAll(gv.data(), gv.offset(), dk, lengths);
        float[][] os = new float[B * H][];
        geo.forEach((b, h) -> {
            int len = geo.length(lengths, b), i = b * H + h;
            Seq s = new Seq(len, dk, dv, qs[i], ks[i], vs[i], gs[i]);
            seqs[i] = s;
            float[] S = new float[area];
            int sOff = i * area;
            if (s0v != null) System.arraycopy(s0v.data(), s0v.offset() + sOff, S, 0, area);
            float[] o = new float[len * dv];
            float[] st = new float[form.intervals(len) * area];
            if (form.chunked()) {
                GlaChunkwise.forward(s, S, o, st, form.chunk());
            } else {
                GlaRecurrence.forward(s, S, o, st, form.chunk());
            }
            starts[i] = st;
            os[i] = o;
            System.arraycopy(S, 0, last.data(), sOff, area);
        });
        geo.scatterAll(os, out.data(), 0, dv, lengths, false);
        return new Node(q, k, v, g, s0) {
            @Override
            protected void backward(Tensor[] grads) {
                Tensor dOut = grads[0] == null ? null : grads[0].contiguous();
                Tensor dLast = grads[1] == null ? null : grads[1].contiguous();
                Tensor dq = gradOf(0), dk_ = gradOf(1), dv_ = gradOf(2), dg = gradOf(3), ds0 = gradOf(4);
                float[][] dOs = dOut == null ? null : geo.gatherAll(dOut.data(), dOut.offset(), dv, lengths);
                Seq[] gr = new Seq[B * H];
                geo.forEach((b, h) -> {
                    int len = geo.length(lengths, b), i = b * H + h;
                    int sOff = i * area;
                    float[] dS = new float[area];
                    if (dLast != null) System.arraycopy(dLast.data(), dLast.offset() + sOff, dS, 0, area);
                    if (len > 0) {
                        float[] dO = dOs != null ? dOs[i] : new float[len * dv];
                        gr[i] = Seq.zeros(len, dk, dv);
                        if (form.chunked()) {
                            GlaChunkwise.backward(seqs[i], dO, dS, starts[i], form.chunk(), gr[i]);
                        } else {
                            GlaRecurrence.backward(seqs[i], dO, dS, starts[i], form.chunk(), gr[i]);
                        }
                    }
                    if (ds0 != null) Blas.axpy(1f, dS, 0, ds0.data(), ds0.offset() + sOff, area);
                });
                if (dq != null) geo.scatterAll(part(gr, Seq::q), dq.data(), dq.offset(), dk, lengths, true);
                if (dk_ != null) geo.scatterAll(part(gr, Seq::k), dk_.data(), dk_.offset(), dk, lengths, true);
                if (dv_ != null) geo.scatterAll(part(gr, Seq::v), dv_.data(), dv_.offset(), dv, lengths, true);
                if (dg != null) geo.scatterAll(part(gr, Seq::g), dg.data(), dg.offset(), dk, lengths, true);
            }
        }.outputs(out, last);
    }

    /** One field of every sequence's gradients (null where a sequence is empty). */
    private static float[][] part(Seq[] seqs, java.util.function.Function<Seq, float[]> field) {
        float[][] out = new float[seqs.length][];
        for (int i = 0; i < seqs.length; i++) out[i] = seqs[i] == null ? null : field.apply(seqs[i]);
        return out;
    }
}
