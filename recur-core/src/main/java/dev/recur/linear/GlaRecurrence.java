package dev.recur.linear;

/**
 * The fused recurrent form of gated linear attention (Yang et al. 2023, "Gated Linear Attention
 * Transformers with Hardware-Efficient Training", eq. 3 with the diagonal gate of §4.1): for one
 * (batch, head) sequence, with the state {@code S} stored key-major ({@code dk × dv}),
 * <pre>
 *   S_t = diag(exp(g_t)) S_{t-1} + k_t v_tᵀ,     o_t = S_tᵀ q_t
 * </pre>
 * where {@code g_t <= 0} is the log of the data-dependent decay α_t. This is the streaming step
 * and the sequence form for short inputs. The forward pass records the state every
 * {@code interval} steps; the backward pass recomputes each interval's states from its record and
 * then runs the step's adjoint in reverse, so memory is {@code O(T / interval + interval)} states.
 */
final class GlaRecurrence {
    private GlaRecurrence() {}

    /** Runs the sequence from state {@code S} (updated in place); records the state before steps 0, interval, ... */
    static void forward(GlaOp.Seq s, float[] S, float[] o, float[] starts, int interval) {
        int dk = s.dk(), dv = s.dv(), area = dk * dv;
        float[] a = new float[dk];
        for (int t = 0; t < s.len(); t++) {
            if (t % interval == 0) System.arraycopy(S, 0, starts, (t / interval) * area, area);
            step(s, t, S, 0, a, o, t * dv);
        }
    }

    /** One step on the state at {@code S[off..]}, in place; writes o_t at {@code o[oOff..]} unless {@code o} is null. */
    static void step(GlaOp.Seq s, int t, float[] S, int off, float[] a, float[] o, int oOff) {
        int dk = s.dk(), dv = s.dv();
        float[] q = s.q(), k = s.k(), v = s.v();
        System.arraycopy(s.g(), t * dk, a, 0, dk);
        Blas.expInPlace(a, 0, dk);
        if (o != null) java.util.Arrays.fill(o, oOff, oOff + dv, 0f);
        int vOff = t * dv;
        for (int i = 0; i < dk; i++) {
            float ai = a[i], ki = k[t * dk + i], qi = q[t * dk + i];
            int row = off + i * dv;
            if (o == null) {
                for (int j = 0; j < dv; j++) S[row + j] = ai * S[row + j] + ki * v[vOff + j];
            } else {
                for (int j = 0; j < dv; j++) {
                    float x = ai * S[row + j] + ki * v[vOff + j];
                    S[row + j] = x;
                    o[oOff + j] += qi * x;
                }
            }
        }
    }

    /**
     * Adds the gradients of the sequence into {@code grad}; {@code dS} holds the gradient of the
     * final state on entry and that of the initial state on return.
     */
    static void backward(GlaOp.Seq s, float[] dO, float[] dS, float[] starts, int interval, GlaOp.Seq grad) {
        int dk = s.dk(), dv = s.dv(), area = dk * dv, len = s.len();
        float[] q = s.q(), k = s.k(), v = s.v();
        float[] dq = grad.q(), dkOut = grad.k(), dvOut = grad.v(), dg = grad.g();
        float[] states = new float[(Math.min(interval, len) + 1) * area];
        float[] a = new float[dk];
        for (int seg = (len - 1) / interval; seg >= 0; seg--) {
            int t0 = seg * interval, t1 = Math.min(t0 + interval, len);
            System.arraycopy(starts, seg * area, states, 0, area);
            for (int t = t0; t < t1; t++) {
                int cur = (t - t0 + 1) * area;
                System.arraycopy(states, cur - area, states, cur, area);
                step(s, t, states, cur, a, null, 0);
            }
            for (int t = t1 - 1; t >= t0; t--) {
                int prev = (t - t0) * area, cur = prev + area, tk = t * dk, tv = t * dv;
                System.arraycopy(s.g(), tk, a, 0, dk);
                Blas.expInPlace(a, 0, dk);
                for (int i = 0; i < dk; i++) {
                    float ai = a[i], qi = q[tk + i], ki = k[tk + i];
                    int row = i * dv;
                    float dqi = 0f, dki = 0f, da = 0f;
                    for (int j = 0; j < dv; j++) {
                        float d = dS[row + j] + qi * dO[tv + j];
                        dqi += states[cur + row + j] * dO[tv + j];
                        dki += d * v[tv + j];
                        dvOut[tv + j] += ki * d;
                        da += d * states[prev + row + j];
                        dS[row + j] = ai * d;
                    }
                    dq[tk + i] += dqi;
                    dkOut[tk + i] += dki;
                    dg[tk + i] += da * ai;
                }
            }
        }
    }
}
