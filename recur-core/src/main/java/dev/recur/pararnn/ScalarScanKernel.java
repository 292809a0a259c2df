package dev.recur.pararnn;

/** The scalar twin of {@link VectorScanKernel}: one lane at a time, same order of operations. */
final class ScalarScanKernel implements ScanKernel {
    static final ScalarScanKernel INSTANCE = new ScalarScanKernel();

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void affine(int k, int M, int m0, int m1, float[] J, int jOff, boolean transpose,
                       float[] src, int sOff, float[] r, int rOff, float[] dst, int dOff) {
        if (k == 1) {
            for (int m = m0; m < m1; m++) {
                float v = src == null ? r[rOff + m] : J[jOff + m] * src[sOff + m] + r[rOff + m];
                dst[dOff + m] = v;
            }
            return;
        }
        float[] s = new float[k], o = new float[k];
        for (int m = m0; m < m1; m++) {
            if (src == null) {
                for (int i = 0; i < k; i++) dst[dOff + i * M + m] = r[rOff + i * M + m];
                continue;
            }
            for (int j = 0; j < k; j++) s[j] = src[sOff + j * M + m];
            for (int i = 0; i < k; i++) {
                float acc = entry(J, jOff, k, M, m, i, 0, transpose) * s[0];
                for (int j = 1; j < k; j++) acc = acc + entry(J, jOff, k, M, m, i, j, transpose) * s[j];
                o[i] = acc + r[rOff + i * M + m];
            }
            for (int i = 0; i < k; i++) dst[dOff + i * M + m] = o[i];
        }
    }

    @Override
    public void compose(int k, int M, int m0, int m1, float[] J, int jOff, boolean transpose, float[] P, int pOff) {
        if (k == 1) {
            for (int m = m0; m < m1; m++) P[pOff + m] = J[jOff + m] * P[pOff + m];
            return;
        }
        float[] p = new float[k * k];
        for (int m = m0; m < m1; m++) {
            for (int e = 0; e < k * k; e++) p[e] = P[pOff + e * M + m];
            for (int i = 0; i < k; i++) {
                for (int c = 0; c < k; c++) {
                    float acc = entry(J, jOff, k, M, m, i, 0, transpose) * p[c];
                    for (int j = 1; j < k; j++) acc = acc + entry(J, jOff, k, M, m, i, j, transpose) * p[j * k + c];
                    P[pOff + (i * k + c) * M + m] = acc;
                }
            }
        }
    }

    private static float entry(float[] J, int jOff, int k, int M, int m, int i, int j, boolean transpose) {
        return transpose ? J[jOff + (j * k + i) * M + m] : J[jOff + (i * k + j) * M + m];
    }
}
