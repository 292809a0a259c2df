package dev.recur.linear;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.layer.Lengths;
import dev.recur.tensor.Tensor;

/**
 * The mLSTM cell as one autodiff node: {@code (q, k, v, ĩ, log f, C_0, n_0, m_0) -> (h̃, C_T, n_T,
 * m_T)} over all (batch, head) sequences, chunkwise or fused recurrent, with a fused backward.
 * Time-major inputs: q, k (T, B, H·dk), v (T, B, H·dv), ĩ (input-gate pre-activation) and log f
 * (log forget gate, <= 0) (T, B, H); states C (B, H, dk, dv), n (B, H, dk), m (B, H), each null for
 * zeros. Outputs h̃ (T, B, H·dv), zero past each length, and the stabilised state at each
 * sequence's end (see {@link MlstmRecurrence} for the equations).
 *
 * <p>The stabiliser m does not change h̃, but it scales the returned state (C, n are stored times
 * e^{−m}) and is itself returned, so a loss on the final state sees it: its gradient
 * {@code ∂L/∂m_T − ⟨dĈ_T, Ĉ_T⟩} flows back along the path that attains each max in
 * {@code m_t = max(log f_t + m_{t−1}, ĩ_t)}; the initial m_0 gets {@code ⟨λ_0, Ĉ_0⟩} from the
 * memory's adjoint as well.
 */
final class MlstmOp {
    private MlstmOp() {}

    /** One (batch, head) sequence: rows of q, k (len × dk), v (len × dv), ĩ and log f (len). Also holds its gradients. */
    record Seq(int len, int dk, int dv, float[] q, float[] k, float[] v, float[] ig, float[] lf) {
        static Seq zeros(int len, int dk, int dv) {
            return new Seq(len, dk, dv, new float[len * dk], new float[len * dk], new float[len * dv], new float[len], new float[len]);
        }

        /** The values with a trailing 1, (len × (dv + 1)): the normaliser's column. */
        float[] valuesWithOne() {
            int dv1 = dv + 1;
            float[] va = new float[len * dv1];
            for (int t = 0; t < len; t++) {
                System.arraycopy(v, t * dv, va, t * dv1, dv);
                va[t * dv1 + dv] = 1f;
            }
            return va;
        }
    }

    /**
     * What the forward pass keeps for the backward pass: the state every {@code interval} steps,
     * the stabiliser m_t, the normaliser read-out d_t = n_tᵀ q_t and the output h̃_t of every step.
     */
    record Trace(float[] starts, float[] m, float[] d, float[] h, float m0) {
        /** Stores step t's stabiliser and output from the read-out {@code num = Ĉ_tᵀ q_t} (dv + 1). */
        void record(int t, float mt, float[] num, int dv) {
            m[t] = mt;
            d[t] = num[dv];
            float den = Math.max(Math.abs(num[dv]), (float) Math.exp(-mt));
            for (int j = 0; j < dv; j++) h[t * dv + j] = num[j] / den;
        }

        /** The adjoint of the read-out {@code [num, d]} of step t (on the state's scale) given dh̃. */
        void outputAdjoint(int t, float[] dh, int dv, float[] dnum) {
            float bound = (float) Math.exp(-m[t]), den = Math.max(Math.abs(d[t]), bound);
            for (int j = 0; j < dv; j++) dnum[j] = dh[t * dv + j] / den;
            dnum[dv] = Math.abs(d[t]) > bound ? -Math.signum(d[t]) * Blas.dot(h, t * dv, dh, t * dv, dv) / den : 0f;
        }
    }

    static Var[] apply(Heads geo, Lengths lengths, Form form, int dk, int dv,
                       Var q, Var k, Var v, Var ig, Var lf, Var c0, Var n0, Var m0) {
        Tensor qv = q.value().contiguous(), kv = k.value().contiguous(), vv = v.value().contiguous();
        Tensor iv = ig.value().contiguous(), fv = lf.value().contiguous();
        Tensor cv = c0 == null ? null : c0.value().contiguous(), nv = n0 == null ? null : n0.value().contiguous();
        Tensor mv = m0 == null ? null : m0.value().contiguous();
        int H = geo.heads(), B = geo.batch(), dv1 = dv + 1, area = dk * dv1;
        Tensor out = Tensor.zeros(vv.shape());
        Tensor lastC = Tensor.zeros(B, H, dk, dv), lastN = Tensor.zeros(B, H, dk), lastM = Tensor.zeros(B, H);
        Trace[] traces = new Trace[B * H];
        Seq[] seqs = new Seq[B * H];
        geo.forEach((b, h) -> {
            int len = geo.length(lengths, b), bh = b * H + h;
            Seq s = gather(geo, b, h, len, dk, dv, qv, kv, vv, iv, fv);
            seqs[bh] = s;
            float[] Ca = new float[area];
            if (cv != null) joinState(cv, nv, bh, dk, dv, Ca);
            float mInit = mv == null ? 0f : mv.data()[mv.offset() + bh];
            Trace tr = new Trace(new float[form.intervals(len) * area], new float[len], new float[len], new float[len * dv], mInit);
            if (form.chunked()) {
                MlstmChunkwise.forward(s, Ca, tr, form.chunk());
            } else {
                MlstmRecurrence.forward(s, Ca, tr, form.chunk());
            }
            traces[bh] = tr;
            geo.scatter(tr.h(), out.data(), 0, dv, b, h, len);
            splitState(Ca, dk, dv, lastC.data(), bh * dk * dv, lastN.data(), bh * dk);
            lastM.data()[bh] = len > 0 ? tr.m()[len - 1] : mInit;
        });
        return new Node(q, k, v, ig, lf, c0, n0, m0) {
            @Override
            protected void backward(Tensor[] grads) {
                Tensor dOut = contiguousOrNull(grads[0]), dC = contiguousOrNull(grads[1]);
                Tensor dN = contiguousOrNull(grads[2]), dM = contiguousOrNull(grads[3]);
                Tensor[] dIn = {gradOf(0), gradOf(1), gradOf(2), gradOf(3), gradOf(4)};
                Tensor dC0 = gradOf(5), dN0 = gradOf(6), dM0 = gradOf(7);
                geo.forEach((b, h) -> {
                    int len = geo.length(lengths, b), bh = b * H + h;
                    Trace tr = traces[bh];
                    float[] lam = new float[area];
                    if (dC != null) joinState(dC.data(), dC.offset() + bh * dk * dv, null, 0, dk, dv, lam);
                    if (dN != null) for (int i = 0; i < dk; i++) lam[i * dv1 + dv] = dN.data()[dN.offset() + bh * dk + i];
                    float dm = dM == null ? 0f : dM.data()[dM.offset() + bh];
                    Seq gr = Seq.zeros(len, dk, dv);
                    // An empty sequence returns its initial state: every gradient passes through unchanged.
                    if (len > 0) {
                        float[] last = new float[area], first = new float[area];
                        joinState(lastC.data(), bh * dk * dv, lastN.data(), bh * dk, dk, dv, last);
                        dm -= Blas.dot(lam, 0, last, 0, area);
                        Seq s = seqs[bh];
                        float[] dh = new float[len * dv];
                        if (dOut != null) geo.gather(dOut.data(), dOut.offset(), dv, b, h, len, dh);
                        if (form.chunked()) {
                            MlstmChunkwise.backward(s, dh, lam, tr, form.chunk(), gr);
                        } else {
                            MlstmRecurrence.backward(s, dh, lam, tr, form.chunk(), gr);
                        }
                        dm = stabiliserPath(s, tr, dm, gr);
                        if (cv != null) joinState(cv, nv, bh, dk, dv, first);
                        dm += Blas.dot(lam, 0, first, 0, area);
                        float[][] parts = {gr.q(), gr.k(), gr.v(), gr.ig(), gr.lf()};
                        int[] widths = {dk, dk, dv, 1, 1};
                        for (int i = 0; i < parts.length; i++) {
                            if (dIn[i] != null) geo.scatterAdd(parts[i], dIn[i].data(), dIn[i].offset(), widths[i], b, h, len);
                        }
                    }
                    if (dC0 != null || dN0 != null) {
                        float[] gc = new float[dk * dv], gn = new float[dk];
                        splitState(lam, dk, dv, gc, 0, gn, 0);
                        if (dC0 != null) Blas.axpy(1f, gc, 0, dC0.data(), dC0.offset() + bh * dk * dv, dk * dv);
                        if (dN0 != null) Blas.axpy(1f, gn, 0, dN0.data(), dN0.offset() + bh * dk, dk);
                    }
                    if (dM0 != null) dM0.data()[dM0.offset() + bh] += dm;
                });
            }
        }.outputs(out, lastC, lastN, lastM);
    }

    /**
     * Sends the stabiliser's gradient {@code dm} (of m_T) along the path that attains each max of
     * {@code m_t = max(log f_t + m_{t−1}, ĩ_t)}; returns what reaches m_0.
     */
    static float stabiliserPath(Seq s, Trace tr, float dm, Seq grad) {
        for (int t = s.len() - 1; t >= 0; t--) {
            float mPrev = t > 0 ? tr.m()[t - 1] : tr.m0();
            if (s.lf()[t] + mPrev >= s.ig()[t]) {
                grad.lf()[t] += dm;
            } else {
                grad.ig()[t] += dm;
                return 0f;
            }
        }
        return dm;
    }

    private static Tensor contiguousOrNull(Tensor t) {
        return t == null ? null : t.contiguous();
    }

    /** Ĉ of sequence bh from the state tensors C (B, H, dk, dv) and n (B, H, dk) or null. */
    private static void joinState(Tensor c, Tensor n, int bh, int dk, int dv, float[] ca) {
        joinState(c.data(), c.offset() + bh * dk * dv, n == null ? null : n.data(), n == null ? 0 : n.offset() + bh * dk, dk, dv, ca);
    }

    /** Ĉ = [C | n] (dk × (dv + 1)) from C (dk × dv) and n (dk), n absent when {@code n} is null. */
    private static void joinState(float[] c, int cOff, float[] n, int nOff, int dk, int dv, float[] ca) {
        for (int i = 0; i < dk; i++) {
            System.arraycopy(c, cOff + i * dv, ca, i * (dv + 1), dv);
            if (n != null) ca[i * (dv + 1) + dv] = n[nOff + i];
        }
    }

    private static void splitState(float[] ca, int dk, int dv, float[] c, int cOff, float[] n, int nOff) {
        for (int i = 0; i < dk; i++) {
            System.arraycopy(ca, i * (dv + 1), c, cOff + i * dv, dv);
            n[nOff + i] = ca[i * (dv + 1) + dv];
        }
    }

    private static Seq gather(Heads geo, int b, int h, int len, int dk, int dv, Tensor q, Tensor k, Tensor v, Tensor ig, Tensor lf) {
        Seq s = Seq.zeros(len, dk, dv);
        geo.gather(q.data(), q.offset(), dk, b, h, len, s.q());
        geo.gather(k.data(), k.offset(), dk, b, h, len, s.k());
        geo.gather(v.data(), v.offset(), dv, b, h, len, s.v());
        geo.gather(ig.data(), ig.offset(), 1, b, h, len, s.ig());
        geo.gather(lf.data(), lf.offset(), 1, b, h, len, s.lf());
        return s;
    }
}
