package dev.recur.rnn;

import dev.recur.kernel.Parallel;
import dev.recur.kernel.vector.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inference step of one dense LSTM (plain or with peepholes), GRU (PyTorch's form) or Elman
 * layer at a small batch, for {@link FrozenLayer}: at batch 1 a step is a matrix-vector product
 * over the whole weight (1.3 MB for an LSTM with H = 256 and 64 inputs), so its speed is how fast
 * the weight streams through the core. The layer's {@code W_ih} and {@code W_hh} are packed into one
 * array of tiles, each tile holding every gate of a few hidden units: for each input feature k (x
 * first, then h) one contiguous row of {@code 4·L} floats (L = vector lanes), so that a tile is one
 * forward sweep with four independent FMA chains and one broadcast per k. Then a gate pass over the
 * tiles' units, with the cells' own activation loops ({@link Act}; fusing the activations into the
 * sweep puts vector math beyond C2's inlining budget, where it runs boxed).
 *
 * <p>Tiles are split over the compute threads when the weight is large enough to pay for the
 * hand-off (above {@link #PARALLEL_BYTES}) and while the pool's workers take their chunks in time
 * ({@link Parallel#workersKeepingUp}: a half left to the caller costs it the whole step plus the
 * hand-off); each step sweeps its tiles in the opposite order of the
 * step before, so that the tiles used last (still in L2) are the first ones read again. Neither
 * changes a result: every unit's sums run in the same order (bias, then x, then h).
 *
 * <p>Thread safety: the packed weights are read-only and the caller passes the states and the
 * scratch, so threads may step the same instance at once, each with its own arrays. The sweep
 * direction is the one field a step writes; threads racing on it change only which tiles are
 * read first, never a result.
 *
 * <p>The products' summation order differs from the sequence forward's GEMMs (which add the input
 * projection and the recurrent product apart), so the two agree to rounding, not in bits; a
 * stream's own steps are deterministic, whatever the thread count.
 *
 * <p>Tiles (U units from unit {@code t·U}): LSTM {@code [i f g o]} × L units; Elman 4L units of
 * its one gate; GRU 2L units with x-rows {@code [r z n]} and h-rows {@code [r z n]} (each 2L
 * wide), the two n products kept apart because the reset gate scales only the recurrent one.
 */
final class FusedStep {
    /** The largest batch that takes this path; beyond it the GEMM's blocking wins. */
    static final int MAX_BATCH = 4;
    /** Weights below this many bytes run on the calling thread (the hand-off costs more than the sweep). */
    static final int PARALLEL_BYTES = 256 * 1024;

    private static final VectorSpecies<Float> S = VectorMath.SPECIES;
    private static final int L = S.length(), W4 = 4 * L, W6 = 6 * L;

    enum Kind { LSTM, GRU, ELMAN }

    private final Kind kind;
    private final boolean relu;
    private final int I, H, units, tiles, width, gw, stride;
    private final float[] w, bias, peep;
    /** Flipped every step: the sweep direction (see the class comment). */
    private boolean reverse;

    private FusedStep(Kind kind, boolean relu, int I, int H, int units, int width, int gw) {
        this.kind = kind;
        this.relu = relu;
        this.I = I;
        this.H = H;
        this.units = units;
        this.tiles = H / units;
        this.width = width;
        this.gw = gw;
        this.stride = (I + H) * width;
        this.w = new float[tiles * stride];
        this.bias = new float[tiles * gw];
        this.peep = null;
    }

    private FusedStep(FusedStep f, float[] peep) {
        this.kind = f.kind;
        this.relu = f.relu;
        this.I = f.I;
        this.H = f.H;
        this.units = f.units;
        this.tiles = f.tiles;
        this.width = f.width;
        this.gw = f.gw;
        this.stride = f.stride;
        this.w = f.w;
        this.bias = f.bias;
        this.peep = peep;
    }

    /**
     * The fused step for a cell, or null where it does not apply (another cell or form, a
     * projection, head-wise or diagonal recurrence, a hidden size that is not a whole number of
     * tiles, or the scalar backend, whose results the step should then keep).
     *
     * @param wih (G·H, I); whh (G·H, H); bih, bhh (G·H) or null; peep (3H) or null
     */
    static FusedStep of(Cell cell, boolean vectorBackend, int I, float[] wih, float[] whh, float[] bih, float[] bhh, float[] peep) {
        if (!vectorBackend || cell.rec.kind != Recurrence.Kind.DENSE || cell.outWidth != cell.hidden) return null;
        int H = cell.hidden;
        FusedStep f;
        if (cell instanceof LstmCell) {
            if (H % L != 0) return null;
            f = new FusedStep(Kind.LSTM, false, I, H, L, 4 * L, 4 * L);
        } else if (cell instanceof GruCell gru && gru.resetAfter()) {
            if (H % (2 * L) != 0) return null;
            f = new FusedStep(Kind.GRU, false, I, H, 2 * L, 6 * L, 8 * L);
        } else if (cell instanceof ElmanCell e) {
            if (H % (4 * L) != 0) return null;
            f = new FusedStep(Kind.ELMAN, e.relu(), I, H, 4 * L, 4 * L, 4 * L);
        } else {
            return null;
        }
        f.pack(wih, whh, bih, bhh);
        return peep == null ? f : new FusedStep(f, peep.clone());
    }

    /** The row of the weight (and bias) that column c of tile t holds. */
    private int row(int t, int c) {
        return switch (kind) {
            case LSTM -> (c / L) * H + t * L + c % L;
            case ELMAN -> t * units + c;
            case GRU -> (c / (2 * L)) * H + t * units + c % (2 * L);
        };
    }

    private void pack(float[] wih, float[] whh, float[] bih, float[] bhh) {
        for (int t = 0; t < tiles; t++) {
            int base = t * stride;
            for (int c = 0; c < width; c++) {
                int r = row(t, c);
                for (int k = 0; k < I; k++) w[base + k * width + c] = wih[r * I + k];
                for (int k = 0; k < H; k++) w[base + (I + k) * width + c] = whh[r * H + k];
                float bi = bih == null ? 0f : bih[r], bh = bhh == null ? 0f : bhh[r];
                if (kind == Kind.GRU && c >= 4 * L) {
                    // the candidate: its input bias with the x-sums, its recurrent bias with the h-sums
                    bias[t * gw + c] = bi;
                    bias[t * gw + c + 2 * L] = bh;
                } else {
                    bias[t * gw + c] = bi + bh;
                }
            }
        }
    }

    /** Scratch floats that {@link #step} needs for a batch of B. */
    int scratch(int B) {
        return B * (kind == Kind.GRU ? 4 : kind == Kind.LSTM ? 4 : 1) * H;
    }

    /**
     * One step for B rows: x (row stride ldx), the previous states h and (LSTM) c (row stride H),
     * written into hn and cn; {@code g} is scratch of {@link #scratch} floats. Each thread sweeps
     * its tiles into g, laid out per row as the cells' gate buffers ({@code [i f g o]}, each H
     * wide; the GRU's recurrent candidate product in a fourth block), then runs the gate pass over
     * its units with the same activation loops as the cells' own passes.
     */
    void step(int B, float[] x, int xo, int ldx, float[] h, int ho, float[] c, int co, float[] hn, int hno, float[] cn, int cno,
              float[] g) {
        boolean rev = reverse;
        reverse = !rev;
        int minChunk = (long) w.length * 4 >= PARALLEL_BYTES && Parallel.workersKeepingUp() ? (tiles + 1) / 2 : tiles;
        Parallel.forRange(tiles, minChunk, (t0, t1) -> range(B, x, xo, ldx, h, ho, c, co, hn, hno, cn, cno, g, t0, t1, rev));
    }

    /** Number of tiles (the units of a thread split). */
    int tiles() {
        return tiles;
    }

    /** The part of {@link #step} for tiles {@code [t0, t1)}, swept in reverse when {@code rev}: their sums, then their units' gate pass. */
    void range(int B, float[] x, int xo, int ldx, float[] h, int ho, float[] c, int co, float[] hn, int hno, float[] cn, int cno,
               float[] g, int t0, int t1, boolean rev) {
        int gs = scratch(1);
        boolean pairs = kind != Kind.GRU;
        for (int i = t0; i < t1; i += pairs ? 2 : 1) {
            int t = rev ? t0 + t1 - 1 - i : i;
            for (int b = 0; b < B; b++) {
                int xb = xo + b * ldx, hb = ho + b * H;
                if (kind == Kind.GRU) sweepGru(t, x, xb, h, hb, g, b * gs);
                else if (pairs && i + 1 < t1) sweepPair(t, rev ? t - 1 : t + 1, x, xb, h, hb, g, b * gs);
                else sweep4(t, x, xb, h, hb, g, b * gs);
            }
        }
        int u0 = t0 * units, n = (t1 - t0) * units;
        for (int b = 0; b < B; b++) {
            int u = b * H + u0;
            switch (kind) {
                case LSTM -> lstmGates(g, b * gs + u0, n, c, co + u, hn, hno + u, cn, cno + u, u0);
                case GRU -> gruGates(g, b * gs + u0, n, h, ho + u, hn, hno + u);
                case ELMAN -> elmanGates(g, b * gs + u0, n, hn, hno + u);
            }
        }
    }

    /**
     * Tile t's four accumulators over x then h (LSTM, Elman). Each load's index is linear in the
     * loop counter with a constant stride, which lets C2 hoist the range checks out of the loop.
     */
    private void sweep4(int t, float[] x, int xo, float[] h, int ho, float[] g, int go) {
        int bo = t * gw, p = t * stride, q = p + I * W4;
        float[] w = this.w;
        FloatVector a0 = FloatVector.fromArray(S, bias, bo), a1 = FloatVector.fromArray(S, bias, bo + L);
        FloatVector a2 = FloatVector.fromArray(S, bias, bo + 2 * L), a3 = FloatVector.fromArray(S, bias, bo + 3 * L);
        for (int k = 0; k < I; k++) {
            FloatVector u = FloatVector.broadcast(S, x[xo + k]);
            int o = p + k * W4;
            a0 = FloatVector.fromArray(S, w, o).fma(u, a0);
            a1 = FloatVector.fromArray(S, w, o + L).fma(u, a1);
            a2 = FloatVector.fromArray(S, w, o + 2 * L).fma(u, a2);
            a3 = FloatVector.fromArray(S, w, o + 3 * L).fma(u, a3);
        }
        for (int k = 0; k < H; k++) {
            FloatVector u = FloatVector.broadcast(S, h[ho + k]);
            int o = q + k * W4;
            a0 = FloatVector.fromArray(S, w, o).fma(u, a0);
            a1 = FloatVector.fromArray(S, w, o + L).fma(u, a1);
            a2 = FloatVector.fromArray(S, w, o + 2 * L).fma(u, a2);
            a3 = FloatVector.fromArray(S, w, o + 3 * L).fma(u, a3);
        }
        store4(t, a0, a1, a2, a3, g, go);
    }

    /**
     * Tiles t and u swept together: eight independent FMA chains instead of four, so that the
     * sweep is not held to one FMA per cycle by the FMA latency (4 cycles, 2 pipes on Zen 3) when
     * the weight comes from L2. Each accumulator still adds its k in increasing order: the bits
     * of {@link #sweep4} on each tile. One thread's LSTM step (H = 256, 64 inputs, Zen 3, load 7-8,
     * interleaved A/B in one JVM, 2026-12-07): 17.7 µs at p10 and 18.1 at the median, against 19.3-20.3 and
     * 22.1-22.7 with one tile at a time.
     */
    private void sweepPair(int t, int u, float[] x, int xo, float[] h, int ho, float[] g, int go) {
        int bt = t * gw, bu = u * gw, p = t * stride, q = p + I * W4, pu = u * stride, qu = pu + I * W4;
        float[] w = this.w;
        FloatVector a0 = FloatVector.fromArray(S, bias, bt), a1 = FloatVector.fromArray(S, bias, bt + L);
        FloatVector a2 = FloatVector.fromArray(S, bias, bt + 2 * L), a3 = FloatVector.fromArray(S, bias, bt + 3 * L);
        FloatVector b0 = FloatVector.fromArray(S, bias, bu), b1 = FloatVector.fromArray(S, bias, bu + L);
        FloatVector b2 = FloatVector.fromArray(S, bias, bu + 2 * L), b3 = FloatVector.fromArray(S, bias, bu + 3 * L);
        for (int k = 0; k < I; k++) {
            FloatVector v = FloatVector.broadcast(S, x[xo + k]);
            int o = p + k * W4, r = pu + k * W4;
            a0 = FloatVector.fromArray(S, w, o).fma(v, a0);
            b0 = FloatVector.fromArray(S, w, r).fma(v, b0);
            a1 = FloatVector.fromArray(S, w, o + L).fma(v, a1);
            b1 = FloatVector.fromArray(S, w, r + L).fma(v, b1);
            a2 = FloatVector.fromArray(S, w, o + 2 * L).fma(v, a2);
            b2 = FloatVector.fromArray(S, w, r + 2 * L).fma(v, b2);
            a3 = FloatVector.fromArray(S, w, o + 3 * L).fma(v, a3);
            b3 = FloatVector.fromArray(S, w, r + 3 * L).fma(v, b3);
        }
        for (int k = 0; k < H; k++) {
            FloatVector v = FloatVector.broadcast(S, h[ho + k]);
            int o = q + k * W4, r = qu + k * W4;
            a0 = FloatVector.fromArray(S, w, o).fma(v, a0);
            b0 = FloatVector.fromArray(S, w, r).fma(v, b0);
            a1 = FloatVector.fromArray(S, w, o + L).fma(v, a1);
            b1 = FloatVector.fromArray(S, w, r + L).fma(v, b1);
            a2 = FloatVector.fromArray(S, w, o + 2 * L).fma(v, a2);
            b2 = FloatVector.fromArray(S, w, r + 2 * L).fma(v, b2);
            a3 = FloatVector.fromArray(S, w, o + 3 * L).fma(v, a3);
            b3 = FloatVector.fromArray(S, w, r + 3 * L).fma(v, b3);
        }
        store4(t, a0, a1, a2, a3, g, go);
        store4(u, b0, b1, b2, b3, g, go);
    }

    /** Tile t's four sums into the gate buffer. */
    private void store4(int t, FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3, float[] g, int go) {
        if (kind == Kind.LSTM) { // gate-major: i, f, g, o of units [tL, tL + L)
            go += t * L;
            a0.intoArray(g, go);
            a1.intoArray(g, go + H);
            a2.intoArray(g, go + 2 * H);
            a3.intoArray(g, go + 3 * H);
        } else {
            go += t * W4;
            a0.intoArray(g, go);
            a1.intoArray(g, go + L);
            a2.intoArray(g, go + 2 * L);
            a3.intoArray(g, go + 3 * L);
        }
    }

    /** Tile t's GRU sums: r and z over x and h, the candidate's x- and h-products apart. */
    private void sweepGru(int t, float[] x, int xo, float[] h, int ho, float[] g, int go) {
        float[] w = this.w;
        int bo = t * gw, p0 = t * stride, q0 = p0 + I * W6;
        FloatVector r0 = FloatVector.fromArray(S, bias, bo), r1 = FloatVector.fromArray(S, bias, bo + L);
        FloatVector z0 = FloatVector.fromArray(S, bias, bo + 2 * L), z1 = FloatVector.fromArray(S, bias, bo + 3 * L);
        FloatVector n0 = FloatVector.fromArray(S, bias, bo + 4 * L), n1 = FloatVector.fromArray(S, bias, bo + 5 * L);
        for (int k = 0; k < I; k++) {
            FloatVector v = FloatVector.broadcast(S, x[xo + k]);
            int p = p0 + k * W6;
            r0 = FloatVector.fromArray(S, w, p).fma(v, r0);
            r1 = FloatVector.fromArray(S, w, p + L).fma(v, r1);
            z0 = FloatVector.fromArray(S, w, p + 2 * L).fma(v, z0);
            z1 = FloatVector.fromArray(S, w, p + 3 * L).fma(v, z1);
            n0 = FloatVector.fromArray(S, w, p + 4 * L).fma(v, n0);
            n1 = FloatVector.fromArray(S, w, p + 5 * L).fma(v, n1);
        }
        go += t * units;
        n0.intoArray(g, go + 2 * H);
        n1.intoArray(g, go + 2 * H + L);
        n0 = FloatVector.fromArray(S, bias, bo + 6 * L);
        n1 = FloatVector.fromArray(S, bias, bo + 7 * L);
        for (int k = 0; k < H; k++) {
            FloatVector v = FloatVector.broadcast(S, h[ho + k]);
            int p = q0 + k * W6;
            r0 = FloatVector.fromArray(S, w, p).fma(v, r0);
            r1 = FloatVector.fromArray(S, w, p + L).fma(v, r1);
            z0 = FloatVector.fromArray(S, w, p + 2 * L).fma(v, z0);
            z1 = FloatVector.fromArray(S, w, p + 3 * L).fma(v, z1);
            n0 = FloatVector.fromArray(S, w, p + 4 * L).fma(v, n0);
            n1 = FloatVector.fromArray(S, w, p + 5 * L).fma(v, n1);
        }
        r0.intoArray(g, go);
        r1.intoArray(g, go + L);
        z0.intoArray(g, go + H);
        z1.intoArray(g, go + H + L);
        n0.intoArray(g, go + 3 * H);
        n1.intoArray(g, go + 3 * H + L);
    }

    /**
     * The LSTM's gate pass over n units from unit u0 (g at go: the i block; i, f, g, o are H apart),
     * as {@link LstmCell}'s, operation for operation; tanh(c') lands in the spent g block.
     */
    private void lstmGates(float[] g, int go, int n, float[] c, int co, float[] hn, int hno, float[] cn, int cno, int u0) {
        int f = go + H, gg = go + 2 * H, o = go + 3 * H;
        float[] p = peep;
        if (p != null) {
            for (int j = 0; j < n; j++) {
                g[go + j] += p[u0 + j] * c[co + j];
                g[f + j] += p[H + u0 + j] * c[co + j];
            }
        }
        Act.sigmoid(g, go, g, go, n);
        Act.sigmoid(g, f, g, f, n);
        Act.tanh(g, gg, g, gg, n);
        for (int j = 0; j < n; j++) cn[cno + j] = g[f + j] * c[co + j] + g[go + j] * g[gg + j];
        if (p != null) for (int j = 0; j < n; j++) g[o + j] += p[2 * H + u0 + j] * cn[cno + j];
        Act.sigmoid(g, o, g, o, n);
        Act.tanh(cn, cno, g, gg, n);
        for (int j = 0; j < n; j++) hn[hno + j] = g[o + j] * g[gg + j];
    }

    /** The GRU's gate pass over n units (g at go: the r block; z, x-candidate, h-candidate H apart), as {@link GruCell}'s. */
    private void gruGates(float[] g, int go, int n, float[] h, int ho, float[] hn, int hno) {
        int z = go + H, nx = go + 2 * H, nh = go + 3 * H;
        Act.sigmoid(g, go, g, go, n);
        Act.sigmoid(g, z, g, z, n);
        for (int j = 0; j < n; j++) g[nx + j] += g[go + j] * g[nh + j];
        Act.tanh(g, nx, g, nx, n);
        for (int j = 0; j < n; j++) {
            float zj = g[z + j], nj = g[nx + j];
            hn[hno + j] = nj + zj * (h[ho + j] - nj);
        }
    }

    /** Elman's nonlinearity over n units, written as the new state. */
    private void elmanGates(float[] g, int go, int n, float[] hn, int hno) {
        if (relu) Cell.act().relu(g, go, hn, hno, n);
        else Act.tanh(g, go, hn, hno, n);
    }
}
