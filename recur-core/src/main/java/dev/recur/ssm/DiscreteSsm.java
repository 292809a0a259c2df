package dev.recur.ssm;

/**
 * A discretised diagonal state space with H channels of M complex modes each: for channel h and
 * mode n (flat index {@code h*M + n}), {@code x_t = lambda x_{t-1} + bBar u_t} and the channel's
 * output {@code y_t = 2 Re(sum_n C x_t) + D u_t}. The factor 2 accounts for the conjugate mode that
 * a real system carries beside each complex one (S4D keeps one of each pair).
 *
 * <p>Built from the continuous parameters by {@link #discretize}; {@link #backward} maps gradients
 * of the discrete quantities back to them. Values are double: they are few (H*M) and the
 * convolution form raises lambda to powers up to T.
 */
final class DiscreteSsm {
    final int channels;
    final int modes;
    final double[] lamRe, lamIm, bRe, bIm, cRe, cIm, d;
    private final Discretization rule;
    private final double[] dt, aRe, aIm, bContRe, bContIm, gRe, gIm;
    private SsmRecurrence.TileParams[] recurrenceTiles;

    private DiscreteSsm(int channels, int modes, Discretization rule) {
        this.channels = channels;
        this.modes = modes;
        this.rule = rule;
        int n = channels * modes;
        lamRe = new double[n];
        lamIm = new double[n];
        bRe = new double[n];
        bIm = new double[n];
        cRe = new double[n];
        cIm = new double[n];
        d = new double[channels];
        dt = new double[channels];
        aRe = new double[n];
        aIm = new double[n];
        bContRe = new double[n];
        bContIm = new double[n];
        gRe = new double[n];
        gIm = new double[n];
    }

    /**
     * From the trainable parameters: {@code dt = exp(logDt)} (H), {@code A = -exp(logAReal) + i aImag},
     * B and C (H x M, split real/imaginary), D (H).
     */
    static DiscreteSsm discretize(Discretization rule, int channels, int modes, float[] logDt, float[] logAReal,
                                  float[] aImag, float[] bReIn, float[] bImIn, float[] cReIn, float[] cImIn, float[] dIn) {
        DiscreteSsm s = new DiscreteSsm(channels, modes, rule);
        for (int h = 0; h < channels; h++) {
            s.dt[h] = Math.exp(logDt[h]);
            s.d[h] = dIn[h];
            for (int n = 0; n < modes; n++) {
                int i = h * modes + n;
                s.aRe[i] = -Math.exp(logAReal[i]);
                s.aIm[i] = aImag[i];
                s.bContRe[i] = bReIn[i];
                s.bContIm[i] = bImIn[i];
                s.cRe[i] = cReIn[i];
                s.cIm[i] = cImIn[i];
                Discretization.Step step = rule.discretize(new Complex(s.aRe[i], s.aIm[i]), s.dt[h]);
                s.lamRe[i] = step.lambda().re();
                s.lamIm[i] = step.lambda().im();
                s.gRe[i] = step.g().re();
                s.gIm[i] = step.g().im();
                Complex bBar = step.g().times(new Complex(bReIn[i], bImIn[i]));
                s.bRe[i] = bBar.re();
                s.bIm[i] = bBar.im();
            }
        }
        return s;
    }

    /** The recurrence's per-tile parameter rows, built on first use (a cached system serves many steps). */
    synchronized SsmRecurrence.TileParams[] recurrenceTiles() {
        if (recurrenceTiles == null) recurrenceTiles = SsmRecurrence.TileParams.of(this);
        return recurrenceTiles;
    }

    /** Gradients of the discrete system: lambda, B-bar and C (complex, H x M), D (H). */
    static final class Grads {
        final double[] lamRe, lamIm, bRe, bIm, cRe, cIm, d;

        Grads(int channels, int modes) {
            int n = channels * modes;
            lamRe = new double[n];
            lamIm = new double[n];
            bRe = new double[n];
            bIm = new double[n];
            cRe = new double[n];
            cIm = new double[n];
            d = new double[channels];
        }
    }

    /**
     * Adds the parameters' gradients (any null target is skipped), given the gradients of the
     * discrete system, by the chain rule through {@link Discretization} and the parameterisation.
     */
    void backward(Grads g, float[] gLogDt, float[] gLogAReal, float[] gAImag, float[] gBRe, float[] gBIm,
                  float[] gCRe, float[] gCIm, float[] gD) {
        for (int h = 0; h < channels; h++) {
            double gDt = 0;
            for (int n = 0; n < modes; n++) {
                int i = h * modes + n;
                Complex a = new Complex(aRe[i], aIm[i]);
                Complex gLam = new Complex(g.lamRe[i], g.lamIm[i]);
                Complex gBBar = new Complex(g.bRe[i], g.bIm[i]);
                // B-bar = g B: the factor g and the continuous B each get the other's conjugate.
                Complex gFactor = gBBar.times(new Complex(bContRe[i], bContIm[i]).conj());
                Complex gB = gBBar.times(new Complex(gRe[i], gIm[i]).conj());
                Discretization.Derivatives der = rule.derivatives(a, dt[h]);
                Complex gA = gLam.times(der.dLambdaDa().conj()).plus(gFactor.times(der.dgDa().conj()));
                gDt += gLam.dotConj(der.dLambdaDdt()) + gFactor.dotConj(der.dgDdt());
                if (gLogAReal != null) gLogAReal[i] += (float) (gA.re() * aRe[i]); // d(-exp(p))/dp = A_re
                if (gAImag != null) gAImag[i] += (float) gA.im();
                if (gBRe != null) gBRe[i] += (float) gB.re();
                if (gBIm != null) gBIm[i] += (float) gB.im();
                if (gCRe != null) gCRe[i] += (float) g.cRe[i];
                if (gCIm != null) gCIm[i] += (float) g.cIm[i];
            }
            if (gLogDt != null) gLogDt[h] += (float) (gDt * dt[h]);
            if (gD != null) gD[h] += (float) g.d[h];
        }
    }
}
