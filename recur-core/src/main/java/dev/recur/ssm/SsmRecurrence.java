package dev.recur.ssm;

import dev.recur.kernel.Parallel;

/**
 * The recurrent form of a {@link DiscreteSsm}: {@code x_t = lambda x_{t-1} + bBar u_t},
 * {@code y_t = 2 Re(C x_t) + D u_t}, one step after another. Also the streaming step (T = 1).
 *
 * <p>Work is split into tasks of one sequence and a tile of up to {@value #TILE} channels. Inside
 * a task every mode's state and parameters are rows of w floats (one per channel of the tile),
 * and a step's input and output are copied into tile-local rows, so each update is a loop over
 * channels in which every array is indexed by the bare loop counter: the form C2 vectorises (with
 * offsets into shared arrays it must assume aliasing and stays scalar). No horizontal sums.
 *
 * <p>The forward pass keeps the state every {@value #CHECKPOINT} steps; the backward pass
 * recomputes each chunk from its checkpoint and runs the adjoint recurrence through it in reverse.
 *
 * <p>Arrays: inputs and outputs (T, B, H) contiguous, states (B, M, H) split real/imaginary, so that a tile's state for one mode is a contiguous row.
 */
final class SsmRecurrence {
    static final int TILE = 64;
    static final int CHECKPOINT = 64;

    private SsmRecurrence() {}

    /** What the backward pass needs besides the inputs: the checkpointed states. */
    record Saved(float[] checkpoints, int chunks) {}

    /**
     * Runs the recurrence over {@code len[b]} steps of each sequence ({@code T} for all when null).
     * Writes y (zero past each length) and the final state; x0 may be null (zeros). With
     * {@code forBackward}, keeps the checkpoints the backward pass needs (else returns null).
     */
    static Saved forward(DiscreteSsm s, float[] u, int T, int B, int[] len, float[] x0Re, float[] x0Im,
                         float[] y, float[] xRe, float[] xIm, boolean forBackward) {
        int H = s.channels, M = s.modes, tiles = (H + TILE - 1) / TILE;
        int chunks = (T + CHECKPOINT - 1) / CHECKPOINT;
        float[] ckpt = forBackward ? new float[Math.max(1, chunks) * B * H * M * 2] : null;
        TileParams[] params = s.recurrenceTiles();
        Parallel.forRange(B * tiles, 1, (start, end) -> {
            for (int task = start; task < end; task++) {
                int b = task / tiles;
                Tile tile = new Tile(params[task % tiles]);
                int h0 = tile.h0, w = tile.w;
                tile.loadState(x0Re, x0Im, b, H);
                int L = len == null ? T : len[b];
                for (int t = 0; t < L; t++) {
                    if (ckpt != null && t % CHECKPOINT == 0) tile.saveState(ckpt, tile.checkpointOffset(t / CHECKPOINT, b, B, H));
                    int row = (t * B + b) * H + h0;
                    System.arraycopy(u, row, tile.in, 0, w);
                    tile.step(true);
                    System.arraycopy(tile.out, 0, y, row, w);
                }
                for (int t = L; t < T; t++) java.util.Arrays.fill(y, (t * B + b) * H + h0, (t * B + b) * H + h0 + w, 0f);
                tile.storeState(xRe, xIm, b, H);
            }
        });
        return forBackward ? new Saved(ckpt, chunks) : null;
    }

    /**
     * The adjoint pass. {@code dy} (T, B, H) is the output gradient (entries past a length are
     * ignored); gxL the gradient of the final state (null for none). Adds into {@code gu}
     * (T, B, H) and {@code gx0} (B, M, H; may be null) and returns the discrete system's gradients.
     */
    static DiscreteSsm.Grads backward(DiscreteSsm s, Saved saved, float[] u, float[] dy, int T, int B, int[] len,
                                      float[] gxLRe, float[] gxLIm, float[] gu, float[] gx0Re, float[] gx0Im) {
        int H = s.channels, M = s.modes, tiles = (H + TILE - 1) / TILE;
        Adjoint[] partial = new Adjoint[B * tiles];
        TileParams[] params = s.recurrenceTiles();
        Parallel.forRange(B * tiles, 1, (start, end) -> {
            for (int task = start; task < end; task++) {
                int b = task / tiles;
                Tile tile = new Tile(params[task % tiles]);
                int h0 = tile.h0, w = tile.w;
                Adjoint adj = new Adjoint(tile);
                adj.loadGrad(gxLRe, gxLIm, b, H);
                int L = len == null ? T : len[b];
                int stride = 2 * M * w; // one saved state: real rows, then imaginary rows
                float[] states = new float[(Math.min(CHECKPOINT, Math.max(L, 1)) + 1) * stride];
                for (int c = (L + CHECKPOINT - 1) / CHECKPOINT - 1; c >= 0; c--) {
                    int t0 = c * CHECKPOINT, t1 = Math.min(t0 + CHECKPOINT, L);
                    tile.loadSaved(saved.checkpoints(), tile.checkpointOffset(c, b, B, H));
                    tile.saveState(states, 0); // slot k holds the state before step t0 + k
                    for (int t = t0; t < t1; t++) {
                        System.arraycopy(u, (t * B + b) * H + h0, tile.in, 0, w);
                        tile.step(false);
                        tile.saveState(states, (t - t0 + 1) * stride);
                    }
                    for (int t = t1 - 1; t >= t0; t--) {
                        int row = (t * B + b) * H + h0;
                        adj.step(u, dy, row, states, (t - t0 + 1) * stride, (t - t0) * stride, gu);
                    }
                    adj.flush();
                }
                adj.storeGrad(gx0Re, gx0Im, b, H);
                partial[task] = adj;
            }
        });
        DiscreteSsm.Grads total = new DiscreteSsm.Grads(H, M);
        for (Adjoint p : partial) p.addTo(total); // fixed order: same bits for any thread count
        return total;
    }

    /** Rows of w floats, one per mode. */
    private static float[][] rows(int modes, int w) {
        return new float[modes][w];
    }

    /** The parameters of one tile of channels [h0, h0 + w) as per-mode rows; built once per discretisation. */
    static final class TileParams {
        final int h0, w, modes;
        final float[][] lr, li, br, bi, cr, ci; // per mode; cr/ci hold 2C
        final float[] d;

        TileParams(DiscreteSsm s, int h0, int w) {
            this.h0 = h0;
            this.w = w;
            this.modes = s.modes;
            int M = s.modes;
            lr = rows(M, w);
            li = rows(M, w);
            br = rows(M, w);
            bi = rows(M, w);
            cr = rows(M, w);
            ci = rows(M, w);
            d = new float[w];
            for (int j = 0; j < w; j++) {
                d[j] = (float) s.d[h0 + j];
                for (int n = 0; n < M; n++) {
                    int src = (h0 + j) * M + n;
                    lr[n][j] = (float) s.lamRe[src];
                    li[n][j] = (float) s.lamIm[src];
                    br[n][j] = (float) s.bRe[src];
                    bi[n][j] = (float) s.bIm[src];
                    cr[n][j] = (float) (2 * s.cRe[src]);
                    ci[n][j] = (float) (2 * s.cIm[src]);
                }
            }
        }

        /** The tiles of a system, in channel order. */
        static TileParams[] of(DiscreteSsm s) {
            int tiles = (s.channels + TILE - 1) / TILE;
            TileParams[] t = new TileParams[tiles];
            for (int i = 0; i < tiles; i++) t[i] = new TileParams(s, i * TILE, Math.min(TILE, s.channels - i * TILE));
            return t;
        }
    }

    /** The state of one tile of one sequence, over its {@link TileParams}. */
    static final class Tile {
        final int h0, w, modes;
        final float[][] lr, li, br, bi, cr, ci;
        final float[][] sr, si;
        final float[] d, in, out;

        Tile(TileParams p) {
            this.h0 = p.h0;
            this.w = p.w;
            this.modes = p.modes;
            lr = p.lr;
            li = p.li;
            br = p.br;
            bi = p.bi;
            cr = p.cr;
            ci = p.ci;
            d = p.d;
            sr = rows(modes, w);
            si = rows(modes, w);
            in = new float[w];
            out = new float[w];
        }

        /** One step on the input row {@link #in}; with {@code output}, writes y to {@link #out}. */
        void step(boolean output) {
            float[] u = in, y = out;
            if (output) for (int j = 0; j < w; j++) y[j] = d[j] * u[j];
            for (int n = 0; n < modes; n++) {
                float[] xr = sr[n], xi = si[n], pr = lr[n], pi = li[n], qr = br[n], qi = bi[n];
                if (output) {
                    float[] kr = cr[n], ki = ci[n];
                    for (int j = 0; j < w; j++) {
                        float ar = xr[j], ai = xi[j];
                        float nr = pr[j] * ar - pi[j] * ai + qr[j] * u[j];
                        float ni = pr[j] * ai + pi[j] * ar + qi[j] * u[j];
                        xr[j] = nr;
                        xi[j] = ni;
                        y[j] += kr[j] * nr - ki[j] * ni;
                    }
                } else {
                    for (int j = 0; j < w; j++) {
                        float ar = xr[j], ai = xi[j];
                        xr[j] = pr[j] * ar - pi[j] * ai + qr[j] * u[j];
                        xi[j] = pr[j] * ai + pi[j] * ar + qi[j] * u[j];
                    }
                }
            }
        }

        void loadState(float[] re, float[] im, int b, int H) {
            if (re == null) return;
            for (int n = 0; n < modes; n++) {
                System.arraycopy(re, (b * modes + n) * H + h0, sr[n], 0, w);
                System.arraycopy(im, (b * modes + n) * H + h0, si[n], 0, w);
            }
        }

        void storeState(float[] re, float[] im, int b, int H) {
            for (int n = 0; n < modes; n++) {
                System.arraycopy(sr[n], 0, re, (b * modes + n) * H + h0, w);
                System.arraycopy(si[n], 0, im, (b * modes + n) * H + h0, w);
            }
        }

        /** Checkpoint slot of this tile in (chunk, b, h, mode, re/im) order: disjoint across tiles. */
        int checkpointOffset(int chunk, int b, int B, int H) {
            return ((chunk * B + b) * H + h0) * modes * 2;
        }

        /** Writes the state as 2M rows of w floats (real rows, then imaginary) at {@code off}. */
        void saveState(float[] dst, int off) {
            for (int n = 0; n < modes; n++) {
                System.arraycopy(sr[n], 0, dst, off + n * w, w);
                System.arraycopy(si[n], 0, dst, off + (modes + n) * w, w);
            }
        }

        void loadSaved(float[] src, int off) {
            for (int n = 0; n < modes; n++) {
                System.arraycopy(src, off + n * w, sr[n], 0, w);
                System.arraycopy(src, off + (modes + n) * w, si[n], 0, w);
            }
        }
    }

    /**
     * The adjoint state of a tile, g = dL/dx_t (complex), run backwards:
     * {@code g += 2 dy conj(C)}, then the parameter gradients at step t, then
     * {@code g <- g conj(lambda)} to pass to step t-1. Parameter sums are kept in float within a
     * chunk and flushed to double, which keeps long sums accurate at float speed.
     */
    static final class Adjoint {
        private final Tile t;
        private final int w, modes;
        private final float[][] gr, gi, aLr, aLi, aBr, aBi, aCr, aCi;
        private final float[][] xr, xi, pr, pi; // x_t and x_{t-1} of the current step
        private final float[] aD, gu, dyRow, uRow;
        private final double[] sLr, sLi, sBr, sBi, sCr, sCi, sD;

        Adjoint(Tile tile) {
            this.t = tile;
            this.w = tile.w;
            this.modes = tile.modes;
            int M = modes;
            gr = rows(M, w);
            gi = rows(M, w);
            aLr = rows(M, w);
            aLi = rows(M, w);
            aBr = rows(M, w);
            aBi = rows(M, w);
            aCr = rows(M, w);
            aCi = rows(M, w);
            xr = rows(M, w);
            xi = rows(M, w);
            pr = rows(M, w);
            pi = rows(M, w);
            aD = new float[w];
            gu = new float[w];
            dyRow = new float[w];
            uRow = new float[w];
            int n = M * w;
            sLr = new double[n];
            sLi = new double[n];
            sBr = new double[n];
            sBi = new double[n];
            sCr = new double[n];
            sCi = new double[n];
            sD = new double[w];
        }

        void loadGrad(float[] re, float[] im, int b, int H) {
            for (int n = 0; n < modes; n++) {
                int o = (b * modes + n) * H + t.h0;
                if (re != null) System.arraycopy(re, o, gr[n], 0, w);
                if (im != null) System.arraycopy(im, o, gi[n], 0, w);
            }
        }

        void storeGrad(float[] re, float[] im, int b, int H) {
            if (re == null) return;
            for (int n = 0; n < modes; n++) {
                int o = (b * modes + n) * H + t.h0;
                for (int j = 0; j < w; j++) {
                    re[o + j] += gr[n][j];
                    im[o + j] += gi[n][j];
                }
            }
        }

        /** Step t backwards: x_t saved at {@code cur}, x_{t-1} at {@code prev} in {@code states}; rows at {@code row}. */
        void step(float[] u, float[] dy, int row, float[] states, int cur, int prev, float[] guOut) {
            int M = modes;
            for (int n = 0; n < M; n++) {
                System.arraycopy(states, cur + n * w, xr[n], 0, w);
                System.arraycopy(states, cur + (M + n) * w, xi[n], 0, w);
                System.arraycopy(states, prev + n * w, pr[n], 0, w);
                System.arraycopy(states, prev + (M + n) * w, pi[n], 0, w);
            }
            System.arraycopy(dy, row, dyRow, 0, w);
            System.arraycopy(u, row, uRow, 0, w);
            float[] g = dyRow, x = uRow, dd = t.d;
            for (int j = 0; j < w; j++) {
                gu[j] = dd[j] * g[j];
                aD[j] += g[j] * x[j];
            }
            for (int n = 0; n < M; n++) {
                float[] ar = gr[n], ai = gi[n], cr = t.cr[n], ci = t.ci[n], br = t.br[n], bi = t.bi[n];
                float[] lr = t.lr[n], li = t.li[n], xrn = xr[n], xin = xi[n], prn = pr[n], pin = pi[n];
                float[] lRe = aLr[n], lIm = aLi[n], bRe = aBr[n], bIm = aBi[n], cRe = aCr[n], cIm = aCi[n];
                for (int j = 0; j < w; j++) {
                    float a = ar[j] + g[j] * cr[j]; // g_x = carried + 2 dy conj(C)
                    float c = ai[j] - g[j] * ci[j];
                    cRe[j] += 2 * g[j] * xrn[j]; // g_C = 2 dy conj(x_t)
                    cIm[j] -= 2 * g[j] * xin[j];
                    gu[j] += a * br[j] + c * bi[j]; // Re(g_x conj(bBar))
                    bRe[j] += a * x[j];
                    bIm[j] += c * x[j];
                    lRe[j] += a * prn[j] + c * pin[j]; // g_x conj(x_{t-1})
                    lIm[j] += c * prn[j] - a * pin[j];
                    ar[j] = a * lr[j] + c * li[j]; // g_x conj(lambda), carried to t-1
                    ai[j] = c * lr[j] - a * li[j];
                }
            }
            for (int j = 0; j < w; j++) guOut[row + j] += gu[j];
        }

        void flush() {
            for (int n = 0; n < modes; n++) {
                for (int j = 0; j < w; j++) {
                    int i = n * w + j;
                    sLr[i] += aLr[n][j];
                    sLi[i] += aLi[n][j];
                    sBr[i] += aBr[n][j];
                    sBi[i] += aBi[n][j];
                    sCr[i] += aCr[n][j];
                    sCi[i] += aCi[n][j];
                }
                java.util.Arrays.fill(aLr[n], 0f);
                java.util.Arrays.fill(aLi[n], 0f);
                java.util.Arrays.fill(aBr[n], 0f);
                java.util.Arrays.fill(aBi[n], 0f);
                java.util.Arrays.fill(aCr[n], 0f);
                java.util.Arrays.fill(aCi[n], 0f);
            }
            for (int j = 0; j < w; j++) sD[j] += aD[j];
            java.util.Arrays.fill(aD, 0f);
        }

        /** Adds the tile's sums into the full-size gradient. */
        void addTo(DiscreteSsm.Grads g) {
            for (int j = 0; j < w; j++) {
                g.d[t.h0 + j] += sD[j];
                for (int n = 0; n < modes; n++) {
                    int dst = (t.h0 + j) * modes + n, src = n * w + j;
                    g.lamRe[dst] += sLr[src];
                    g.lamIm[dst] += sLi[src];
                    g.bRe[dst] += sBr[src];
                    g.bIm[dst] += sBi[src];
                    g.cRe[dst] += sCr[src];
                    g.cIm[dst] += sCi[src];
                }
            }
        }
    }
}
