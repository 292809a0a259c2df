package dev.recur.ssm;

import dev.recur.random.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The vector loop of the selective scan's adjoint gives the scalar loop's bits. */
class AdjointLanesTest {
    @Test
    void sameBitsAsTheScalarLoop() {
        Rng rng = new Rng(4);
        for (int w : new int[] {1, 7, 8, 21, 64}) {
            float[][] in = new float[15][w];
            for (float[] a : in) for (int j = 0; j < w; j++) a[j] = (float) rng.nextGaussian();
            float bv = (float) rng.nextGaussian(), cv = (float) rng.nextGaussian();
            float[][] vec = new float[15][], sc = new float[15][];
            for (int i = 0; i < 15; i++) {
                vec[i] = in[i].clone();
                sc[i] = in[i].clone();
            }
            // order: g, gy, da, h, hp, dx, a, x, delta, prodC, prodB, gDelta, ga, gx
            int j = AdjointLanes.mode(w, bv, cv, vec[0], vec[1], vec[2], vec[3], vec[4], vec[5], vec[6], vec[7], vec[8],
                    vec[9], vec[10], vec[11], vec[12], vec[13]);
            scalar(j, w, bv, cv, vec);
            scalar(0, w, bv, cv, sc);
            for (int i = 0; i < 15; i++) assertArrayEquals(sc[i], vec[i], "array " + i + ", w " + w);
        }
    }

    /** SelectiveScan.Adjoint.step's per-mode loop, as written there. */
    private static void scalar(int from, int w, float bv, float cv, float[][] v) {
        float[] gn = v[0], gyRow = v[1], dn = v[2], hc = v[3], hp = v[4], dx = v[5], an = v[6], x = v[7], delta = v[8];
        float[] prodC = v[9], prodB = v[10], gDeltaRow = v[11], gan = v[12], gxRow = v[13];
        for (int j = from; j < w; j++) {
            float gh = gn[j] + gyRow[j] * cv;
            float ghda = gh * dn[j];
            prodC[j] = gyRow[j] * hc[j];
            prodB[j] = gh * dx[j];
            gDeltaRow[j] += ghda * an[j] * hp[j] + gh * bv * x[j];
            gan[j] += ghda * delta[j] * hp[j];
            gxRow[j] += gh * delta[j] * bv;
            gn[j] = ghda;
        }
    }
}
