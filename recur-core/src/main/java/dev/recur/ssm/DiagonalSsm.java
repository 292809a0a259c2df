package dev.recur.ssm;

import dev.recur.autodiff.Node;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Backends;
import dev.recur.kernel.fft.Fft;
import dev.recur.layer.Lengths;
import dev.recur.ops.Arith;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

/**
 * The diagonal state-space op of S4D and LSSL, as one autodiff node: for each of H channels, M
 * complex modes {@code x_t = lambda x_{t-1} + bBar u_t}, {@code y_t = 2 Re(C x_t) + D u_t}, with
 * {@code (lambda, bBar)} the {@link Discretization} of {@code A = -exp(logAReal) + i aImag},
 * {@code B} and {@code dt = exp(logDt)}. It runs in either {@link Form}; both give the same
 * outputs, final state and gradients (to float32 rounding).
 */
public final class DiagonalSsm {
    private DiagonalSsm() {}

    /** Which algorithm runs the sequence. */
    public enum Form {
        /** One step after another ({@link SsmRecurrence}); cost B*H*M*T. */
        RECURRENT,
        /** The materialised kernel and FFT convolutions ({@link SsmConvolution}); cost H*M*T + B*H*T log T. */
        CONVOLUTION
    }

    /**
     * The trainable parameters: {@code logDt} (H); {@code logAReal}, {@code aImag}, {@code bRe},
     * {@code bIm}, {@code cRe}, {@code cIm} (H, M); {@code d} (H).
     */
    public record Params(Var logDt, Var logAReal, Var aImag, Var bRe, Var bIm, Var cRe, Var cIm, Var d) {
        int channels() {
            return logDt.dim(0);
        }

        int modes() {
            return logAReal.dim(1);
        }

        void check() {
            int H = channels(), M = modes();
            Shapes.check("ssm logDt", logDt.shape(), H);
            for (Var v : new Var[] {logAReal, aImag, bRe, bIm, cRe, cIm}) Shapes.check("ssm mode parameter", v.shape(), H, M);
            Shapes.check("ssm d", d.shape(), H);
        }
    }

    /**
     * The form expected to run faster for a forward pass alone; see
     * {@link #cheaperForm(int, int, int, int, boolean)}.
     */
    public static Form cheaperForm(int steps, int batch, int channels, int modes) {
        return cheaperForm(steps, batch, channels, modes, false);
    }

    /**
     * The form expected to run faster, from a cost model whose constants were measured on one
     * core (AVX-512, JDK 25; BENCHMARKS.md, "State-space and attention layers"): the recurrence
     * costs about 0.65 ns per channel, mode and step of each sequence, and its backward pass about
     * ten times its forward pass (it replays checkpoint intervals); the convolution about 0.5 ns per
     * butterfly of its 2B+1 real FFTs per channel plus its final-state and kernel sums as GEMM
     * multiply-adds (0.6 ns each on the scalar backend, 0.1 ns on the vector one), and its backward
     * pass about as much as its forward pass. Below 1024 steps, where fixed costs dominate and the
     * convolution measured 4x slower, always the recurrence.
     *
     * @param withBackward whether a backward pass will follow (training)
     */
    public static Form cheaperForm(int steps, int batch, int channels, int modes, boolean withBackward) {
        if (steps < 1024) return Form.RECURRENT;
        double T = steps, B = batch, H = channels, M = modes;
        double recurrence = 0.65 * B * H * M * T * (withBackward ? 11 : 1);
        double half = Fft.nextPowerOfTwo(Math.max(2, 2 * steps)) / 2.0;
        double fft = 0.5 * (2 * B + 1) * H * half * Math.max(1, Math.log(half) / Math.log(2));
        double gemmNs = "vector".equals(Backends.active().name()) ? 0.1 : 0.6;
        double convolution = (fft + gemmNs * 2 * (B + 1) * H * M * T) * (withBackward ? 2 : 1);
        return convolution < recurrence ? Form.CONVOLUTION : Form.RECURRENT;
    }

    /** Output (T, B, H) and the final state (B, M, H), split real/imaginary. */
    public record Output(Var y, Var stateRe, Var stateIm) {}

    /**
     * @param u       input (T, B, H)
     * @param lengths valid lengths, or null for all T
     * @param x0Re    initial state (B, M, H) real part, or null for zeros (then x0Im is null too)
     */
    public static Output apply(Params p, Discretization rule, Form form, Var u, Lengths lengths, Var x0Re, Var x0Im) {
        return apply(p, rule, form, u, lengths, x0Re, x0Im, null);
    }

    /**
     * Remembers the last discretisation and reuses it while the parameters keep their values: a
     * streaming step then costs the update, not H*M complex exponentials. Thread-safe (an
     * immutable entry swapped atomically); parameters are compared by value, so an optimizer step
     * simply causes one recomputation.
     */
    public static final class Cache {
        private record Entry(Discretization rule, float[][] params, DiscreteSsm value) {}

        private volatile Entry entry;

        DiscreteSsm get(Discretization rule, int H, int M, float[][] params) {
            Entry e = entry;
            if (e != null && e.rule() == rule && e.value().channels == H && e.value().modes == M && sameValues(e.params(), params)) {
                return e.value();
            }
            DiscreteSsm s = DiscreteSsm.discretize(rule, H, M, params[0], params[1], params[2], params[3], params[4], params[5],
                    params[6], params[7]);
            float[][] copy = new float[params.length][];
            for (int i = 0; i < params.length; i++) copy[i] = params[i].clone();
            entry = new Entry(rule, copy, s);
            return s;
        }

        private static boolean sameValues(float[][] a, float[][] b) {
            for (int i = 0; i < a.length; i++) if (!java.util.Arrays.equals(a[i], b[i])) return false;
            return true;
        }
    }

    /** As {@link #apply(Params, Discretization, Form, Var, Lengths, Var, Var)}, reusing {@code cache}'s discretisation (null for none). */
    public static Output apply(Params p, Discretization rule, Form form, Var u, Lengths lengths, Var x0Re, Var x0Im, Cache cache) {
        p.check();
        int H = p.channels(), M = p.modes();
        if (u.rank() != 3 || u.dim(2) != H) {
            throw new ShapeException("ssm: input must be (T, B, " + H + "), found " + Shapes.toString(u.shape()));
        }
        int T = u.dim(0), B = u.dim(1);
        if (lengths != null) lengths.check(B, T);
        if ((x0Re == null) != (x0Im == null)) throw new IllegalArgumentException("ssm: initial state needs both parts");
        if (x0Re != null) {
            Shapes.check("ssm initial state (real)", x0Re.shape(), B, M, H);
            Shapes.check("ssm initial state (imaginary)", x0Im.shape(), B, M, H);
        }
        int[] len = lengths == null ? null : lengths.values();
        float[][] values = {data(p.logDt()), data(p.logAReal()), data(p.aImag()), data(p.bRe()), data(p.bIm()), data(p.cRe()),
                data(p.cIm()), data(p.d())};
        DiscreteSsm s = cache != null ? cache.get(rule, H, M, values)
                : DiscreteSsm.discretize(rule, H, M, values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7]);
        float[] uv = data(u);
        float[] x0r = x0Re == null ? null : data(x0Re), x0i = x0Im == null ? null : data(x0Im);
        Tensor y = Tensor.zeros(T, B, H), xr = Tensor.zeros(B, M, H), xi = Tensor.zeros(B, M, H);
        boolean forBackward = Node.gradNeeded(u, p.logDt(), p.logAReal(), p.aImag(), p.bRe(), p.bIm(), p.cRe(), p.cIm(), p.d(),
                x0Re, x0Im);
        Object saved = form == Form.RECURRENT
                ? SsmRecurrence.forward(s, uv, T, B, len, x0r, x0i, y.data(), xr.data(), xi.data(), forBackward)
                : SsmConvolution.forward(s, uv, T, B, len, x0r, x0i, y.data(), xr.data(), xi.data(), forBackward);
        Var[] out = new Node(u, p.logDt(), p.logAReal(), p.aImag(), p.bRe(), p.bIm(), p.cRe(), p.cIm(), p.d(), x0Re, x0Im) {
            @Override
            protected void backward(Tensor[] g) {
                float[] dy = g[0] == null ? new float[T * B * H] : data(g[0]);
                float[] gxr = g[1] == null ? null : data(g[1]), gxi = g[2] == null ? null : data(g[2]);
                boolean wantX0 = needsGrad(9) || needsGrad(10);
                float[] gx0r = wantX0 ? new float[B * H * M] : null, gx0i = wantX0 ? new float[B * H * M] : null;
                // The convolution adds the input's gradient straight into its buffer (a contiguous one; else
                // through a temporary): a 4 B H T-byte array and a serial pass fewer.
                Tensor guT = gradOf(0);
                boolean direct = saved instanceof SsmConvolution.Saved && guT != null && guT.isContiguous();
                float[] gu = direct ? null : new float[T * B * H];
                DiscreteSsm.Grads grads = saved instanceof SsmRecurrence.Saved r
                        ? SsmRecurrence.backward(s, r, uv, dy, T, B, len, gxr, gxi, gu, gx0r, gx0i)
                        : SsmConvolution.backward(s, (SsmConvolution.Saved) saved, dy, T, B, len, x0r, x0i, gxr, gxi,
                                direct ? guT.data() : gu, direct ? guT.offset() : 0, gx0r, gx0i);
                float[][] gp = new float[8][];
                int[] sizes = {H, H * M, H * M, H * M, H * M, H * M, H * M, H};
                for (int i = 0; i < 8; i++) gp[i] = needsGrad(i + 1) ? new float[sizes[i]] : null;
                s.backward(grads, gp[0], gp[1], gp[2], gp[3], gp[4], gp[5], gp[6], gp[7]);
                if (!direct) add(guT, gu);
                for (int i = 0; i < 8; i++) add(gradOf(i + 1), gp[i]);
                if (wantX0) {
                    add(gradOf(9), gx0r);
                    add(gradOf(10), gx0i);
                }
            }
        }.outputs(y, xr, xi);
        return new Output(out[0], out[1], out[2]);
    }

    private static float[] data(Var v) {
        return data(v.value());
    }

    /** The elements of {@code t} as a row-major array (the backing array itself when it already is one). */
    private static float[] data(Tensor t) {
        Tensor c = t.contiguous();
        return c.offset() == 0 && c.data().length == c.numel() ? c.data() : c.toArray();
    }

    private static void add(Tensor grad, float[] values) {
        if (grad == null || values == null) return;
        Arith.accumulate(grad, Tensor.of(values, grad.shape()), 1f);
    }
}
