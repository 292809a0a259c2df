package dev.recur.linear;

/**
 * The fused recurrent form of the (gated) delta rule, for one (batch, head) sequence of
 * {@code P = len · nh} positions (DeltaProduct's n_h Householder steps per token are consecutive
 * positions; DeltaNet and Gated DeltaNet have n_h = 1). With the state {@code S} key-major
 * ({@code dk × dv}):
 * <pre>
 *   S_p = a_p (I − β_p k_p k_pᵀ) S_{p−1} + β_p k_p v_pᵀ
 *       = S' + k_p u_pᵀ,   S' = a_p S_{p−1},   u_p = β_p (v_p − S'ᵀ k_p)
 *   o_t = S_pᵀ q_t  at the last position p of token t
 * </pre>
 * (Yang et al. 2024, "Parallelizing Linear Transformers with the Delta Rule over Sequence Length",
 * eq. 1; "Gated Delta Networks", eq. 10, a_p = exp(g_t) at a token's first position, else 1;
 * Siems et al. 2025, "DeltaProduct", eq. 5). The backward pass recomputes the states of each
 * {@code interval} from the recorded one, then runs the step's adjoint in reverse.
 */
final class DeltaRecurrence {
    private DeltaRecurrence() {}

    static void forward(DeltaOp.Seq s, float[] S, float[] o, float[] starts, int interval) {
        int area = s.dk() * s.dv();
        float[] pred = new float[s.dv()], u = new float[s.dv()];
        for (int p = 0; p < s.positions(); p++) {
            if (p % interval == 0) System.arraycopy(S, 0, starts, (p / interval) * area, area);
            step(s, p, S, 0, pred, 0, u, 0, o);
        }
    }

    /**
     * One position on the state at {@code S[off..]}, in place; leaves S'ᵀk and u in {@code pred},
     * {@code u} at their offsets, and writes the token's output into {@code o} (unless null) at a
     * token's last position.
     */
    static void step(DeltaOp.Seq s, int p, float[] S, int off, float[] pred, int predOff, float[] u, int uOff, float[] o) {
        int dk = s.dk(), dv = s.dv();
        float[] k = s.k(), v = s.v();
        float a = s.decay(p), beta = s.beta()[p];
        int kp = p * dk, vp = p * dv;
        java.util.Arrays.fill(pred, predOff, predOff + dv, 0f);
        for (int i = 0; i < dk; i++) Blas.axpy(a * k[kp + i], S, off + i * dv, pred, predOff, dv);
        for (int j = 0; j < dv; j++) u[uOff + j] = beta * (v[vp + j] - pred[predOff + j]);
        for (int i = 0; i < dk; i++) {
            float ki = k[kp + i];
            int row = off + i * dv;
            for (int j = 0; j < dv; j++) S[row + j] = a * S[row + j] + ki * u[uOff + j];
        }
        if (o != null && s.isQuery(p)) {
            int t = p / s.nh(), ot = t * dv;
            java.util.Arrays.fill(o, ot, ot + dv, 0f);
            for (int i = 0; i < dk; i++) Blas.axpy(s.q()[t * dk + i], S, off + i * dv, o, ot, dv);
        }
    }

    /**
     * Adds the gradients into {@code grad}; {@code dS} holds the final state's gradient on entry and
     * the initial state's on return.
     */
    static void backward(DeltaOp.Seq s, float[] dO, float[] dS, float[] starts, int interval, DeltaOp.Seq grad) {
        int dk = s.dk(), dv = s.dv(), area = dk * dv, P = s.positions();
        float[] q = s.q(), k = s.k(), v = s.v();
        int span = Math.min(interval, P);
        float[] states = new float[(span + 1) * area], preds = new float[span * dv], us = new float[span * dv];
        float[] du = new float[dv], dpred = new float[dv];
        for (int seg = (P - 1) / interval; seg >= 0; seg--) {
            int p0 = seg * interval, p1 = Math.min(p0 + interval, P);
            System.arraycopy(starts, seg * area, states, 0, area);
            for (int p = p0; p < p1; p++) {
                int cur = (p - p0 + 1) * area;
                System.arraycopy(states, cur - area, states, cur, area);
                step(s, p, states, cur, preds, (p - p0) * dv, us, (p - p0) * dv, null);
            }
            for (int p = p1 - 1; p >= p0; p--) {
                int prev = (p - p0) * area, cur = prev + area, kp = p * dk, vp = p * dv, uo = (p - p0) * dv;
                float a = s.decay(p), beta = s.beta()[p];
                if (s.isQuery(p)) {
                    int t = p / s.nh(), qt = t * dk, ot = t * dv;
                    for (int i = 0; i < dk; i++) {
                        Blas.axpy(q[qt + i], dO, ot, dS, i * dv, dv);
                        grad.q()[qt + i] += Blas.dot(states, cur + i * dv, dO, ot, dv);
                    }
                }
                java.util.Arrays.fill(du, 0f);
                for (int i = 0; i < dk; i++) {
                    Blas.axpy(k[kp + i], dS, i * dv, du, 0, dv);
                    grad.k()[kp + i] += Blas.dot(dS, i * dv, us, uo, dv);
                }
                float dbeta = 0f;
                for (int j = 0; j < dv; j++) {
                    grad.v()[vp + j] += beta * du[j];
                    dbeta += du[j] * (v[vp + j] - preds[uo + j]);
                    dpred[j] = -beta * du[j];
                }
                grad.beta()[p] += dbeta;
                float da = 0f;
                for (int i = 0; i < dk; i++) {
                    float ki = k[kp + i], dki = 0f;
                    int row = i * dv;
                    for (int j = 0; j < dv; j++) {
                        float d = dS[row + j] + ki * dpred[j], sp = states[prev + row + j];
                        dki += sp * dpred[j];
                        da += d * sp;
                        dS[row + j] = a * d;
                    }
                    grad.k()[kp + i] += a * dki;
                }
                if (s.opensToken(p)) grad.g()[p / s.nh()] += da * a;
            }
        }
    }
}
