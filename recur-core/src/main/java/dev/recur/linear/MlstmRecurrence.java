package dev.recur.linear;

/**
 * The fused recurrent form of the mLSTM cell (Beck et al. 2024, "xLSTM: Extended Long Short-Term
 * Memory", eqs. 19-27 with the stabiliser of eqs. 15-17), for one (batch, head) sequence. The
 * matrix memory C (dk × dv) and the normaliser n (dk) are stored side by side as one
 * {@code dk × (dv + 1)} matrix {@code Ĉ = [C | n]}, so that n is C's extra value column with v = 1:
 * <pre>
 *   m_t = max(log f_t + m_{t−1}, ĩ_t)                         (stabiliser)
 *   Ĉ_t = e^{log f_t + m_{t−1} − m_t} Ĉ_{t−1} + e^{ĩ_t − m_t} k_t [v_t, 1]ᵀ
 *   [num_t, d_t] = Ĉ_tᵀ q_t,   h̃_t = num_t / max(|d_t|, e^{−m_t})
 * </pre>
 * which is the paper's {@code C_t q_t / max(|n_tᵀ q_t|, 1)} of the unstabilised memories: the
 * stabiliser only rescales the stored state, so h̃ does not depend on it. Gradients therefore treat
 * m as a fixed scale, and the state's adjoint {@code λ} is kept on the same scale as the state
 * ({@link MlstmOp} adds the stabiliser's own path for a loss on the final state).
 */
final class MlstmRecurrence {
    private MlstmRecurrence() {}

    static void forward(MlstmOp.Seq s, float[] Ca, MlstmOp.Trace tr, int interval) {
        int dk = s.dk(), dv1 = s.dv() + 1, area = dk * dv1;
        float[] va = s.valuesWithOne(), num = new float[dv1];
        for (int t = 0; t < s.len(); t++) {
            if (t % interval == 0) System.arraycopy(Ca, 0, tr.starts(), (t / interval) * area, area);
            float mPrev = t > 0 ? tr.m()[t - 1] : tr.m0();
            float m = update(s, t, mPrev, Ca, 0, va);
            java.util.Arrays.fill(num, 0f);
            for (int i = 0; i < dk; i++) Blas.axpy(s.q()[t * dk + i], Ca, i * dv1, num, 0, dv1);
            tr.record(t, m, num, s.dv());
        }
    }

    /** The memory update of step t on the state at {@code Ca[off..]}, in place; returns m_t. */
    static float update(MlstmOp.Seq s, int t, float mPrev, float[] Ca, int off, float[] va) {
        int dk = s.dk(), dv1 = s.dv() + 1;
        float lf = s.lf()[t], ig = s.ig()[t];
        float m = Math.max(lf + mPrev, ig);
        float fa = (float) Math.exp(lf + mPrev - m), ia = (float) Math.exp(ig - m);
        for (int i = 0; i < dk; i++) {
            float ki = ia * s.k()[t * dk + i];
            int row = off + i * dv1;
            for (int j = 0; j < dv1; j++) Ca[row + j] = fa * Ca[row + j] + ki * va[t * dv1 + j];
        }
        return m;
    }

    /**
     * Adds the gradients into {@code grad}; {@code lam} holds the final state's adjoint on entry and
     * the initial state's on return (both on their states' scales).
     */
    static void backward(MlstmOp.Seq s, float[] dh, float[] lam, MlstmOp.Trace tr, int interval, MlstmOp.Seq grad) {
        int dk = s.dk(), dv = s.dv(), dv1 = dv + 1, area = dk * dv1, len = s.len();
        float[] q = s.q(), k = s.k(), va = s.valuesWithOne();
        float[] states = new float[(Math.min(interval, len) + 1) * area], dnum = new float[dv1], dva = new float[dv1];
        for (int seg = (len - 1) / interval; seg >= 0; seg--) {
            int t0 = seg * interval, t1 = Math.min(t0 + interval, len);
            System.arraycopy(tr.starts(), seg * area, states, 0, area);
            for (int t = t0; t < t1; t++) {
                int cur = (t - t0 + 1) * area;
                System.arraycopy(states, cur - area, states, cur, area);
                update(s, t, t > 0 ? tr.m()[t - 1] : tr.m0(), states, cur, va);
            }
            for (int t = t1 - 1; t >= t0; t--) {
                int prev = (t - t0) * area, cur = prev + area;
                float m = tr.m()[t], mPrev = t > 0 ? tr.m()[t - 1] : tr.m0();
                tr.outputAdjoint(t, dh, dv, dnum);
                for (int i = 0; i < dk; i++) {
                    Blas.axpy(q[t * dk + i], dnum, 0, lam, i * dv1, dv1);
                    grad.q()[t * dk + i] += Blas.dot(states, cur + i * dv1, dnum, 0, dv1);
                }
                float fa = (float) Math.exp(s.lf()[t] + mPrev - m), ia = (float) Math.exp(s.ig()[t] - m);
                java.util.Arrays.fill(dva, 0f);
                float dlf = 0f;
                for (int i = 0; i < dk; i++) {
                    Blas.axpy(ia * k[t * dk + i], lam, i * dv1, dva, 0, dv1);
                    grad.k()[t * dk + i] += ia * Blas.dot(lam, i * dv1, va, t * dv1, dv1);
                    dlf += Blas.dot(lam, i * dv1, states, prev + i * dv1, dv1);
                }
                for (int j = 0; j < dv; j++) grad.v()[t * dv + j] += dva[j];
                grad.ig()[t] += Blas.dot(dva, 0, va, t * dv1, dv1);
                grad.lf()[t] += fa * dlf;
                Blas.scale(fa, lam, 0, area);
            }
        }
    }
}
