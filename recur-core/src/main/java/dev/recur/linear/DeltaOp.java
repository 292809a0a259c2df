package dev.recur.linear;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.layer.Lengths;
import dev.recur.tensor.Tensor;

/**
 * The (gated) delta-rule core as one autodiff node: {@code (q, k, v, β, g, S_0) -> (o, S_T)} over
 * all (batch, head) sequences, chunkwise (WY/UT form) or fused recurrent, with a fused backward.
 * Serves DeltaNet (nh = 1, no g), Gated DeltaNet (nh = 1, g) and DeltaProduct (nh Householder
 * steps per token, optional g). Time-major inputs: q (T, B, H·dk), k (T, B, H·nh·dk),
 * v (T, B, H·nh·dv), β (T, B, H·nh), g (T, B, H) log decay (<= 0) or null, S_0 (B, H, dk, dv) or
 * null. Outputs: o (T, B, H·dv), zero past each length, and the state at each sequence's end.
 */
final class DeltaOp {
    private DeltaOp() {}

    /**
     * One (batch, head) sequence of {@code len} tokens, {@code nh} positions each: rows of q
     * (len × dk), k (P × dk), v (P × dv), β (P) and g (len, or null when ungated). Also used for its
     * gradients.
     */
    record Seq(int len, int nh, int dk, int dv, float[] q, float[] k, float[] v, float[] beta, float[] g) {
        static Seq zeros(int len, int nh, int dk, int dv, boolean gated) {
            int p = len * nh;
            return new Seq(len, nh, dk, dv, new float[len * dk], new float[p * dk], new float[p * dv], new float[p],
                    gated ? new float[len] : null);
        }

        int positions() {
            return len * nh;
        }

        /** Whether position p is a token's first, where the token's decay applies. */
        boolean opensToken(int p) {
            return g != null && p % nh == 0;
        }

        /** Whether position p is a token's last, where its query reads the state. */
        boolean isQuery(int p) {
            return p % nh == nh - 1;
        }

        /** The log decay at position p (the token's g at its first position, else 0). */
        float logDecay(int p) {
            return opensToken(p) ? g[p / nh] : 0f;
        }

        float decay(int p) {
            return opensToken(p) ? (float) Math.exp(g[p / nh]) : 1f;
        }
    }

    static Var[] apply(Heads geo, Lengths lengths, Form form, int nh, int dk, int dv,
                       Var q, Var k, Var v, Var beta, Var g, Var s0) {
        Tensor qv = q.value().contiguous(), kv = k.value().contiguous(), vv = v.value().contiguous();
        Tensor bv = beta.value().contiguous(), gv = g == null ? null : g.value().contiguous();
        Tensor s0v = s0 == null ? null : s0.value().contiguous();
        int H = geo.heads(), B = geo.batch(), area = dk * dv;
        int[] outShape = qv.shape();
        outShape[outShape.length - 1] = H * dv;
        Tensor out = Tensor.zeros(outShape);
        Tensor last = Tensor.zeros(B, H, dk, dv);
        float[][] starts = new float[B * H][];
        Seq[] seqs = new Seq[B * H];
        DeltaChunkwise.Saved[] saved = new DeltaChunkwise.Saved[B * H];
        float[][] qs = geo.gatherAll(qv.data(), qv.offset(), dk, lengths), ks = geo.gatherAll(kv.data(), kv.offset(), nh * dk, lengths);
        float[][] vs = geo.gatherAll(vv.data(), vv.offset(), nh * dv, lengths), bs = geo.gatherAll(bv.data(), bv.offset(), nh, lengths);
        float[][] gs = gv == null ? null : geo.gatherAll(gv.data(), gv.offset(), 1, lengths);
        float[][] os = new float[B * H][];
        geo.forEach((b, h) -> {
            int len = geo.length(lengths, b), i = b * H + h;
            Seq s = new Seq(len, nh, dk, dv, qs[i], ks[i], vs[i], bs[i], gs == null ? null : gs[i]);
            seqs[i] = s;
            float[] S = new float[area];
            int sOff = i * area;
            if (s0v != null) System.arraycopy(s0v.data(), s0v.offset() + sOff, S, 0, area);
            float[] o = new float[len * dv];
            float[] st = new float[form.intervals(s.positions()) * area];
            if (form.chunked()) {
                saved[i] = DeltaChunkwise.forward(s, S, o, st, form.chunk());
            } else {
                DeltaRecurrence.forward(s, S, o, st, form.chunk());
            }
            starts[i] = st;
            os[i] = o;
            System.arraycopy(S, 0, last.data(), sOff, area);
        });
        geo.scatterAll(os, out.data(), 0, dv, lengths, false);
        return new Node(q, k, v, beta, g, s0) {
            @Override
            protected void backward(Tensor[] grads) {
                Tensor dOut = grads[0] == null ? null : grads[0].contiguous();
                Tensor dLast = grads[1] == null ? null : grads[1].contiguous();
                Tensor[] dIn = {gradOf(0), gradOf(1), gradOf(2), gradOf(3), gradOf(4)};
                Tensor ds0 = gradOf(5);
                float[][] dOs = dOut == null ? null : geo.gatherAll(dOut.data(), dOut.offset(), dv, lengths);
                Seq[] gr = new Seq[B * H];
                geo.forEach((b, h) -> {
                    int len = geo.length(lengths, b), i = b * H + h;
                    int sOff = i * area;
                    float[] dS = new float[area];
                    if (dLast != null) System.arraycopy(dLast.data(), dLast.offset() + sOff, dS, 0, area);
                    if (len > 0) {
                        float[] dO = dOs != null ? dOs[i] : new float[len * dv];
                        gr[i] = Seq.zeros(len, nh, dk, dv, gv != null);
                        if (form.chunked()) {
                            DeltaChunkwise.backward(seqs[i], dO, dS, starts[i], saved[i], form.chunk(), gr[i]);
                        } else {
                            DeltaRecurrence.backward(seqs[i], dO, dS, starts[i], form.chunk(), gr[i]);
                        }
                    }
                    if (ds0 != null) Blas.axpy(1f, dS, 0, ds0.data(), ds0.offset() + sOff, area);
                });
                java.util.List<java.util.function.Function<Seq, float[]>> parts = java.util.List.of(Seq::q, Seq::k, Seq::v, Seq::beta, Seq::g);
                int[] widths = {dk, nh * dk, nh * dv, nh, 1};
                for (int p = 0; p < widths.length; p++) {
                    if (dIn[p] == null) continue;
                    float[][] part = new float[B * H][];
                    for (int i = 0; i < part.length; i++) part[i] = gr[i] == null ? null : parts.get(p).apply(gr[i]);
                    geo.scatterAll(part, dIn[p].data(), dIn[p].offset(), widths[p], lengths, true);
                }
            }
        }.outputs(out, last);
    }
}
