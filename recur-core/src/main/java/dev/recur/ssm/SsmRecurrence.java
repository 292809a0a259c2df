package dev.recur.ssm;

import dev.recur.kernel.Parallel;

/**
 * The recurrent form of a {@link DiscreteSsm}: {@code x_t = lambda x_{t-1} + bBar u_t},
 * {@code y_t = 2 Re(C x_t) + D u_t}, one step after another. Also the streaming step (T = 1).
 *
 * <p>Work is split into tasks of one sequence and a tile of up to {@value #TILE} channels; inside
 * a task the state of every mode of the tile lives in small arrays indexed {@code n*w + j}
 * (mode n, channel j of the tile), so each update is a contiguous loop over channels that C2
 * vectorises, with no horizontal sums. The forward pass keeps the state every
 * {@value #CHECKPOINT} steps; the backward pass recomputes each chunk from its checkpoint and runs
 * the adjoint recurrence through it in reverse.
 *
 * <p>Arrays: inputs and outputs (T, B, H) contiguous, states (B, H, M) split real/imaginary.
 */
final class SsmRecurrence {
    static final int TILE = 32;
    static final int CHECKPOINT = 64;

    private SsmRecurrence() {}

    /** What the backward pass needs besides the inputs: the checkpointed states. */
    record Saved(float[] checkpoints, int chunks) {}

    /**
     * Runs the recurrence over {@code len[b]} steps of each sequence ({@code T} for all when null).
     * Writes y (zero past each length) and the final state; x0 may be null (zeros).
     */
    static Saved forward(DiscreteSsm s, float[] u, int T, int B, int[] len, float[] x0Re, float[] x0Im,
                         float[] y, float[] xRe, float[] xIm) {
        int H = s.channels, M = s.modes, tiles = (H + TILE - 1) / TILE;
        int chunks = (T + CHECKPOINT - 1) / CHECKPOINT;
        float[] ckpt = new float[Math.max(1, chunks) * B * H * M * 2];
        Parallel.forRange(B * tiles, 1, (start, end) -> {
            for (int task = start; task < end; task++) {
                int b = task / tiles, h0 = (task % tiles) * TILE, w = Math.min(TILE, H - h0);
                Tile tile = new Tile(s, h0, w);
                tile.loadState(x0Re, x0Im, b, H);
                int L = len == null ? T : len[b];
                for (int t = 0; t < L; t++) {
                    if (t % CHECKPOINT == 0) tile.saveCheckpoint(ckpt, t / CHECKPOINT, b, B, H);
                    tile.step(u, (t * B + b) * H + h0, y, (t * B + b) * H + h0);
                }
                for (int t = L; t < T; t++) java.util.Arrays.fill(y, (t * B + b) * H + h0, (t * B + b) * H + h0 + w, 0f);
                tile.storeState(xRe, xIm, b, H);
            }
        });
        return new Saved(ckpt, chunks);
    }

    /**
     * The adjoint pass. {@code dy} (T, B, H) is the output gradient (entries past a length are
     * ignored); gxL the gradient of the final state (null for none). Adds into {@code gu}
     * (T, B, H) and {@code gx0} (B, H, M; may be null) and returns the discrete system's gradients.
     */
    static DiscreteSsm.Grads backward(DiscreteSsm s, Saved saved, float[] u, float[] dy, int T, int B, int[] len,
                                      float[] gxLRe, float[] gxLIm, float[] gu, float[] gx0Re, float[] gx0Im) {
        int H = s.channels, M = s.modes, tiles = (H + TILE - 1) / TILE;
        Adjoint[] partial = new Adjoint[B * tiles];
        Parallel.forRange(B * tiles, 1, (start, end) -> {
            for (int task = start; task < end; task++) {
                int b = task / tiles, h0 = (task % tiles) * TILE, w = Math.min(TILE, H - h0);
                Tile tile = new Tile(s, h0, w);
                Adjoint adj = new Adjoint(tile);
                adj.loadGrad(gxLRe, gxLIm, b, H);
                int L = len == null ? T : len[b];
                float[] states = new float[2 * Math.min(CHECKPOINT, Math.max(L, 1)) * M * w];
                for (int c = (L + CHECKPOINT - 1) / CHECKPOINT - 1; c >= 0; c--) {
                    int t0 = c * CHECKPOINT, t1 = Math.min(t0 + CHECKPOINT, L);
                    tile.restoreCheckpoint(saved.checkpoints(), c, b, B, H);
                    float[] prev = tile.copyState();
                    for (int t = t0; t < t1; t++) {
                        tile.advance(u, (t * B + b) * H + h0);
                        tile.exportState(states, (t - t0) * 2 * M * w);
                    }
                    for (int t = t1 - 1; t >= t0; t--) {
                        int row = (t * B + b) * H + h0;
                        float[] before = t == t0 ? prev : states;
                        int beforeOff = t == t0 ? 0 : (t - t0 - 1) * 2 * M * w;
                        adj.step(u, dy, row, states, (t - t0) * 2 * M * w, before, beforeOff, gu);
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

    /** The state and parameters of one tile of channels [h0, h0 + w) of one sequence. */
    static final class Tile {
        final int h0, w, modes;
        final float[] lr, li, br, bi, cr, ci, d; // cr/ci hold 2C
        final float[] sr, si;

        Tile(DiscreteSsm s, int h0, int w) {
            this.h0 = h0;
            this.w = w;
            this.modes = s.modes;
            int M = s.modes;
            lr = new float[M * w];
            li = new float[M * w];
            br = new float[M * w];
            bi = new float[M * w];
            cr = new float[M * w];
            ci = new float[M * w];
            d = new float[w];
            sr = new float[M * w];
            si = new float[M * w];
            for (int j = 0; j < w; j++) {
                d[j] = (float) s.d[h0 + j];
                for (int n = 0; n < M; n++) {
                    int src = (h0 + j) * M + n, dst = n * w + j;
                    lr[dst] = (float) s.lamRe[src];
                    li[dst] = (float) s.lamIm[src];
                    br[dst] = (float) s.bRe[src];
                    bi[dst] = (float) s.bIm[src];
                    cr[dst] = (float) (2 * s.cRe[src]);
                    ci[dst] = (float) (2 * s.cIm[src]);
                }
            }
        }

        /** One step: reads u[uOff, uOff + w), writes y at yOff. */
        void step(float[] u, int uOff, float[] y, int yOff) {
            for (int j = 0; j < w; j++) y[yOff + j] = d[j] * u[uOff + j];
            for (int n = 0; n < modes; n++) {
                int o = n * w;
                for (int j = 0; j < w; j++) {
                    float x = u[uOff + j];
                    float ar = sr[o + j], ai = si[o + j], pr = lr[o + j], pi = li[o + j];
                    float nr = pr * ar - pi * ai + br[o + j] * x;
                    float ni = pr * ai + pi * ar + bi[o + j] * x;
                    sr[o + j] = nr;
                    si[o + j] = ni;
                    y[yOff + j] += cr[o + j] * nr - ci[o + j] * ni;
                }
            }
        }

        /** The state update of {@link #step} without the output (recomputing states for the backward pass). */
        void advance(float[] u, int uOff) {
            for (int n = 0; n < modes; n++) {
                int o = n * w;
                for (int j = 0; j < w; j++) {
                    float x = u[uOff + j];
                    float ar = sr[o + j], ai = si[o + j], pr = lr[o + j], pi = li[o + j];
                    sr[o + j] = pr * ar - pi * ai + br[o + j] * x;
                    si[o + j] = pr * ai + pi * ar + bi[o + j] * x;
                }
            }
        }

        void loadState(float[] re, float[] im, int b, int H) {
            if (re == null) return;
            for (int j = 0; j < w; j++) {
                for (int n = 0; n < modes; n++) {
                    int src = ((b * H) + h0 + j) * modes + n;
                    sr[n * w + j] = re[src];
                    si[n * w + j] = im[src];
                }
            }
        }

        void storeState(float[] re, float[] im, int b, int H) {
            for (int j = 0; j < w; j++) {
                for (int n = 0; n < modes; n++) {
                    int dst = ((b * H) + h0 + j) * modes + n;
                    re[dst] = sr[n * w + j];
                    im[dst] = si[n * w + j];
                }
            }
        }

        private int checkpointOffset(int chunk, int b, int B, int H) {
            return ((chunk * B + b) * H + h0) * modes * 2;
        }

        void saveCheckpoint(float[] ckpt, int chunk, int b, int B, int H) {
            exportState(ckpt, checkpointOffset(chunk, b, B, H));
        }

        void restoreCheckpoint(float[] ckpt, int chunk, int b, int B, int H) {
            int o = checkpointOffset(chunk, b, B, H), n = modes * w;
            System.arraycopy(ckpt, o, sr, 0, n);
            System.arraycopy(ckpt, o + n, si, 0, n);
        }

        void exportState(float[] dst, int off) {
            int n = modes * w;
            System.arraycopy(sr, 0, dst, off, n);
            System.arraycopy(si, 0, dst, off + n, n);
        }

        float[] copyState() {
            float[] c = new float[2 * modes * w];
            exportState(c, 0);
            return c;
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
        private final float[] gr, gi;
        private final float[] aLr, aLi, aBr, aBi, aCr, aCi, aD, gu;
        private final double[] sLr, sLi, sBr, sBi, sCr, sCi, sD;

        Adjoint(Tile tile) {
            this.t = tile;
            int n = tile.modes * tile.w;
            gr = new float[n];
            gi = new float[n];
            aLr = new float[n];
            aLi = new float[n];
            aBr = new float[n];
            aBi = new float[n];
            aCr = new float[n];
            aCi = new float[n];
            aD = new float[tile.w];
            gu = new float[tile.w];
            sLr = new double[n];
            sLi = new double[n];
            sBr = new double[n];
            sBi = new double[n];
            sCr = new double[n];
            sCi = new double[n];
            sD = new double[tile.w];
        }

        void loadGrad(float[] re, float[] im, int b, int H) {
            if (re == null && im == null) return;
            int M = t.modes, w = t.w;
            for (int j = 0; j < w; j++) {
                for (int n = 0; n < M; n++) {
                    int src = ((b * H) + t.h0 + j) * M + n;
                    if (re != null) gr[n * w + j] = re[src];
                    if (im != null) gi[n * w + j] = im[src];
                }
            }
        }

        void storeGrad(float[] re, float[] im, int b, int H) {
            if (re == null) return;
            int M = t.modes, w = t.w;
            for (int j = 0; j < w; j++) {
                for (int n = 0; n < M; n++) {
                    int dst = ((b * H) + t.h0 + j) * M + n;
                    re[dst] += gr[n * w + j];
                    im[dst] += gi[n * w + j];
                }
            }
        }

        /**
         * Step t backwards: x_t in {@code x[xOff..]}, x_{t-1} in {@code xp[xpOff..]} (real block then
         * imaginary block), input and output gradient rows at {@code row}.
         */
        void step(float[] u, float[] dy, int row, float[] x, int xOff, float[] xp, int xpOff, float[] guOut) {
            int M = t.modes, w = t.w, n2 = M * w;
            for (int j = 0; j < w; j++) {
                gu[j] = t.d[j] * dy[row + j];
                aD[j] += dy[row + j] * u[row + j];
            }
            for (int n = 0; n < M; n++) {
                int o = n * w;
                for (int j = 0; j < w; j++) {
                    float g = dy[row + j], uj = u[row + j];
                    float xr = x[xOff + o + j], xi = x[xOff + n2 + o + j];
                    float pr = xp[xpOff + o + j], pi = xp[xpOff + n2 + o + j];
                    float a = gr[o + j] + g * t.cr[o + j];
                    float c = gi[o + j] - g * t.ci[o + j];
                    aCr[o + j] += 2 * g * xr;
                    aCi[o + j] -= 2 * g * xi;
                    gu[j] += a * t.br[o + j] + c * t.bi[o + j];
                    aBr[o + j] += a * uj;
                    aBi[o + j] += c * uj;
                    aLr[o + j] += a * pr + c * pi;
                    aLi[o + j] += c * pr - a * pi;
                    float lr = t.lr[o + j], li = t.li[o + j];
                    gr[o + j] = a * lr + c * li;
                    gi[o + j] = c * lr - a * li;
                }
            }
            for (int j = 0; j < w; j++) guOut[row + j] += gu[j];
        }

        void flush() {
            for (int i = 0; i < aLr.length; i++) {
                sLr[i] += aLr[i];
                sLi[i] += aLi[i];
                sBr[i] += aBr[i];
                sBi[i] += aBi[i];
                sCr[i] += aCr[i];
                sCi[i] += aCi[i];
            }
            for (int j = 0; j < aD.length; j++) sD[j] += aD[j];
            java.util.Arrays.fill(aLr, 0f);
            java.util.Arrays.fill(aLi, 0f);
            java.util.Arrays.fill(aBr, 0f);
            java.util.Arrays.fill(aBi, 0f);
            java.util.Arrays.fill(aCr, 0f);
            java.util.Arrays.fill(aCi, 0f);
            java.util.Arrays.fill(aD, 0f);
        }

        /** Adds the tile's sums into the full-size gradient. */
        void addTo(DiscreteSsm.Grads g) {
            int w = t.w, M = t.modes;
            for (int j = 0; j < w; j++) {
                g.d[t.h0 + j] += sD[j];
                for (int n = 0; n < M; n++) {
                    int dst = (t.h0 + j) * M + n, src = n * w + j;
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
