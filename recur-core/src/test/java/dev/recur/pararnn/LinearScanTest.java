package dev.recur.pararnn;

import dev.recur.kernel.Backends;
import dev.recur.kernel.Parallel;
import dev.recur.random.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearScanTest {
    private int savedThreads;

    @BeforeEach
    void moreThreads() {
        savedThreads = Parallel.threads();
        Parallel.setThreads(4); // several chunks even on a 2-core machine
    }

    @AfterEach
    void restore() {
        Parallel.setThreads(savedThreads);
    }

    /** Random contracting blocks (spectral radius below 1, so long scans stay bounded) and inputs. */
    static float[][] problem(int k, int M, int T, long seed) {
        Rng rng = new Rng(seed);
        float[] J = new float[T * k * k * M], r = new float[T * k * M], x0 = new float[k * M];
        for (int i = 0; i < J.length; i++) {
            int e = (i / M) % (k * k);
            boolean diag = e / k == e % k;
            J[i] = (float) (diag ? 0.2 + 0.7 * rng.nextDouble() : (rng.nextDouble() - 0.5) * 0.3 / k);
        }
        for (int i = 0; i < r.length; i++) r[i] = (float) rng.nextGaussian();
        for (int i = 0; i < x0.length; i++) x0[i] = (float) rng.nextGaussian();
        return new float[][] {J, r, x0};
    }

    /** The recurrence in float64, one lane and step at a time. */
    static double[] reference(int k, int M, int T, float[] J, float[] r, float[] x0, boolean forward) {
        double[] x = new double[T * k * M];
        for (int m = 0; m < M; m++) {
            double[] s = new double[k];
            if (forward && x0 != null) for (int i = 0; i < k; i++) s[i] = x0[i * M + m];
            for (int p = 0; p < T; p++) {
                int t = forward ? p : T - 1 - p;
                double[] o = new double[k];
                for (int i = 0; i < k; i++) {
                    double acc = r[(t * k + i) * M + m];
                    if (forward) {
                        for (int j = 0; j < k; j++) acc += J[((t * k + i) * k + j) * M + m] * s[j];
                    } else if (t + 1 < T) {
                        for (int j = 0; j < k; j++) acc += J[(((t + 1) * k + j) * k + i) * M + m] * s[j];
                    }
                    o[i] = acc;
                }
                s = o;
                for (int i = 0; i < k; i++) x[(t * k + i) * M + m] = s[i];
            }
        }
        return x;
    }

    static double maxError(float[] got, double[] want) {
        double e = 0;
        for (int i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
        return e;
    }

    @Test
    void everyStrategyAndKernelMatchesTheFloat64Recurrence() {
        ScanKernel[] kernels = Backends.vectorAvailable()
                ? new ScanKernel[] {ScalarScanKernel.INSTANCE, new VectorScanKernel()} : new ScanKernel[] {ScalarScanKernel.INSTANCE};
        for (int k = 1; k <= 3; k++) {
            for (int[] size : new int[][] {{37, 300}, {5, 3}, {19, 129}, {1, 1}}) {
                int M = size[0], T = size[1];
                float[][] p = problem(k, M, T, 17 * k + M + T);
                for (boolean forward : new boolean[] {true, false}) {
                    for (boolean withInit : new boolean[] {false, true}) {
                        if (!forward && withInit) continue;
                        float[] x0 = withInit ? p[2] : null;
                        double[] want = reference(k, M, T, p[0], p[1], x0, forward);
                        for (ScanKernel kernel : kernels) {
                            for (LinearScan.Strategy s : LinearScan.Strategy.values()) {
                                float[] x = new float[T * k * M];
                                if (forward) LinearScan.forward(kernel, k, M, T, p[0], p[1], x0, x, s);
                                else LinearScan.adjoint(kernel, k, M, T, p[0], p[1], x, s);
                                double err = maxError(x, want);
                                assertTrue(err < 2e-5, "k=" + k + " M=" + M + " T=" + T + " fwd=" + forward + " " + kernel.name() + " " + s + ": " + err);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void scalarAndVectorTwinsGiveTheSameBits() {
        if (!Backends.vectorAvailable()) return;
        for (int k = 1; k <= 3; k++) {
            int M = 45, T = 200;
            float[][] p = problem(k, M, T, 5 + k);
            for (LinearScan.Strategy s : new LinearScan.Strategy[] {LinearScan.Strategy.SEQUENTIAL, LinearScan.Strategy.TIME_CHUNKS}) {
                float[] a = new float[T * k * M], b = new float[T * k * M];
                LinearScan.forward(ScalarScanKernel.INSTANCE, k, M, T, p[0], p[1], p[2], a, s);
                LinearScan.forward(new VectorScanKernel(), k, M, T, p[0], p[1], p[2], b, s);
                assertArrayEquals(a, b, "forward k=" + k + " " + s);
                LinearScan.adjoint(ScalarScanKernel.INSTANCE, k, M, T, p[0], p[1], a, s);
                LinearScan.adjoint(new VectorScanKernel(), k, M, T, p[0], p[1], b, s);
                assertArrayEquals(a, b, "adjoint k=" + k + " " + s);
            }
        }
    }

    @Test
    void laneSplitAndInPlaceScansEqualTheSequentialOneExactly() {
        int k = 2, M = 70, T = 90;
        float[][] p = problem(k, M, T, 99);
        float[] seq = new float[T * k * M];
        LinearScan.forward(k, M, T, p[0], p[1], p[2], seq, LinearScan.Strategy.SEQUENTIAL);
        float[] lanes = new float[T * k * M];
        LinearScan.forward(k, M, T, p[0], p[1], p[2], lanes, LinearScan.Strategy.LANES);
        assertArrayEquals(seq, lanes);
        float[] inPlace = p[1].clone();
        LinearScan.forward(k, M, T, p[0], inPlace, p[2], inPlace, LinearScan.Strategy.TIME_CHUNKS);
        assertTrue(maxError(inPlace, reference(k, M, T, p[0], p[1], p[2], true)) < 2e-5);
    }

    @Test
    void autoPicksLanesForWideProblemsAndTimeChunksForNarrowLongOnes() {
        assertEquals(LinearScan.Strategy.LANES, LinearScan.choose(1, 4096, 1000));
        assertEquals(LinearScan.Strategy.TIME_CHUNKS, LinearScan.choose(1, 256, 4096));
        assertEquals(LinearScan.Strategy.SEQUENTIAL, LinearScan.choose(1, 256, 10));
        Parallel.setThreads(1);
        assertEquals(LinearScan.Strategy.SEQUENTIAL, LinearScan.choose(1, 4096, 4096));
    }
}
