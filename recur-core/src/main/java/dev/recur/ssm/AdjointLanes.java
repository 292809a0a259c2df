package dev.recur.ssm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The per-mode loop of the selective scan's adjoint step ({@code SelectiveScan.Adjoint.step}) on
 * the Vector API. Why: the loop body reads nine arrays and writes six, and C2's auto-vectoriser
 * left it scalar (the same happened to the S4D recurrence's adjoint); this loop was about half of
 * a Mamba training step. The operations are the scalar loop's, one for one and in the same
 * order (mul and add, no fused multiply-add), so the results are the same bits.
 */
final class AdjointLanes {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private AdjointLanes() {}

    /**
     * Runs the full vectors of {@code [0, w)} and returns where the scalar tail starts. Per
     * channel j: {@code gh = g + gy cv}, {@code ghda = gh da}, {@code prodC = gy h},
     * {@code prodB = gh dx}, {@code gDelta += ghda a hp + gh bv x}, {@code ga += ghda delta hp},
     * {@code gx += gh delta bv}, {@code g = ghda}.
     */
    static int mode(int w, float bv, float cv, float[] g, float[] gy, float[] da, float[] h, float[] hp, float[] dx,
                    float[] a, float[] x, float[] delta, float[] prodC, float[] prodB, float[] gDelta, float[] ga, float[] gx) {
        int L = S.length(), j = 0;
        for (; j <= w - L; j += L) {
            FloatVector gyv = FloatVector.fromArray(S, gy, j);
            FloatVector gh = FloatVector.fromArray(S, g, j).add(gyv.mul(cv));
            FloatVector ghda = gh.mul(FloatVector.fromArray(S, da, j));
            FloatVector hpv = FloatVector.fromArray(S, hp, j), dv = FloatVector.fromArray(S, delta, j);
            gyv.mul(FloatVector.fromArray(S, h, j)).intoArray(prodC, j);
            gh.mul(FloatVector.fromArray(S, dx, j)).intoArray(prodB, j);
            FloatVector t1 = ghda.mul(FloatVector.fromArray(S, a, j)).mul(hpv);
            FloatVector t2 = gh.mul(bv).mul(FloatVector.fromArray(S, x, j));
            FloatVector.fromArray(S, gDelta, j).add(t1.add(t2)).intoArray(gDelta, j);
            FloatVector.fromArray(S, ga, j).add(ghda.mul(dv).mul(hpv)).intoArray(ga, j);
            FloatVector.fromArray(S, gx, j).add(gh.mul(dv).mul(bv)).intoArray(gx, j);
            ghda.intoArray(g, j);
        }
        return j;
    }
}
