package dev.recur.ssm;

import dev.recur.ConfigException;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerState;
import dev.recur.layer.LengthMask;
import dev.recur.layer.Lengths;
import dev.recur.layer.SequenceLayer;
import dev.recur.layer.SequenceOutput;
import dev.recur.layer.StepOutput;
import dev.recur.nn.Init;
import dev.recur.nn.Linear;
import dev.recur.nn.Parameter;
import dev.recur.ops.Arith;
import dev.recur.ops.Pointwise;
import dev.recur.ops.Shape;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A diagonal state-space layer: S4D (Gu, Gupta, Goel and Ré, "On the Parameterization and
 * Initialization of Diagonal State Space Models", 2022) and, with its defaults, the HiPPO-LegS
 * system of LSSL (Gu et al., "Combining Recurrent, Convolutional, and Continuous-time Models with
 * Linear State-Space Layers", 2021) in diagonal form.
 *
 * <p>Per channel h of H: an SSM of N/2 complex modes ({@link DiagonalSsm}) with a learned step
 * {@code dt = exp(log_dt)}, then, as S4D's block does, {@code y = GLU(W_out GELU(ssm(u) + D u) + b)}.
 * An input of another width than H first goes through a linear projection ({@code in_proj}).
 *
 * <p>Options ({@code s4d:256,state=64,init=lin}):
 * <ul>
 * <li>{@code state} N, the real state size per channel (even; N/2 complex modes), default 64;</li>
 * <li>{@code init}: {@code lin} (S4D-Lin: {@code A_n = -1/2 + i pi n}), {@code real} (S4D-Real:
 *     {@code A_n = -(n+1)}) or {@code legs} (S4D-LegS: the eigenvalues of the normal part of the
 *     HiPPO-LegS matrix, {@code -1/2 + i w_n}, with B projected onto its eigenvectors; see
 *     {@link Hippo}); default {@code lin} for s4d, {@code legs} for lssl;</li>
 * <li>{@code discretization}: {@code zoh} or {@code bilinear}; default {@code zoh} for s4d,
 *     {@code bilinear} (LSSL's) for lssl;</li>
 * <li>{@code mode}: {@code recurrent}, {@code convolution} (FFT) or {@code auto}, default
 *     {@code auto}: the form {@link DiagonalSsm#cheaperForm} predicts to be faster for the batch,
 *     length and state size at hand, with a backward pass when gradients are recorded;
 *     {@link #step} always recurs;</li>
 * <li>{@code dt_min}, {@code dt_max}: the range of the log-uniform initial step, default 0.001, 0.1.</li>
 * </ul>
 * lssl differs from s4d only in those defaults: the original LSSL's dense N x N recurrence is not
 * implemented; its LegS system is run in the diagonal parameterisation of S4D-LegS.
 *
 * <p>Parameters: {@code log_dt} (H), {@code log_a_real}, {@code a_imag}, {@code b_re}, {@code b_im},
 * {@code c_re}, {@code c_im} (H, N/2), {@code d} (H), {@code out_proj.weight} (2H, H),
 * {@code out_proj.bias} (2H), and {@code in_proj.weight} (H, I) when I != H. State: {@code x_re},
 * {@code x_im} (B, N/2, H), mode-major so that a block of channels of one mode is contiguous.
 */
public final class S4d extends SequenceLayer {
    /** How the sequence form is chosen. */
    public enum Mode { RECURRENT, CONVOLUTION, AUTO }

    /** The modes' initial eigenvalues and inputs. */
    public enum InitKind { LIN, REAL, LEGS }

    private final int inputSize, channels, modes;
    private final Discretization rule;
    private final Mode mode;
    private final Linear inProj, outProj;
    private final Parameter logDt, logAReal, aImag, bRe, bIm, cRe, cIm, d;
    private final DiagonalSsm.Cache discretized = new DiagonalSsm.Cache();

    /** The weights the math reads, so tests can run it on leaves of their own. */
    record Weights(Var inProj, DiagonalSsm.Params ssm, Var outWeight, Var outBias) {}

    public S4d(int inputSize, int channels, int state, InitKind init, Discretization rule, Mode mode,
               double dtMin, double dtMax, Rng rng) {
        if (state < 2 || state % 2 != 0) throw new ConfigException("s4d: state must be even and >= 2, got " + state);
        if (!(dtMin > 0 && dtMax >= dtMin)) throw new ConfigException("s4d: need 0 < dt_min <= dt_max, got " + dtMin + ", " + dtMax);
        this.inputSize = inputSize;
        this.channels = channels;
        this.modes = state / 2;
        this.rule = rule;
        this.mode = mode;
        int H = channels, M = modes;
        this.inProj = inputSize != channels ? child("in_proj", new Linear(inputSize, channels, false, rng)) : null;
        Tensor logDtInit = Tensor.zeros(H);
        for (int h = 0; h < H; h++) {
            logDtInit.data()[h] = (float) (Math.log(dtMin) + rng.nextDouble() * (Math.log(dtMax) - Math.log(dtMin)));
        }
        Tensor lar = Tensor.zeros(H, M), aim = Tensor.zeros(H, M), br = Tensor.zeros(H, M), bi = Tensor.zeros(H, M);
        Hippo.Mode[] legs = init == InitKind.LEGS ? Hippo.diagonalLegs(state) : null;
        for (int h = 0; h < H; h++) {
            for (int n = 0; n < M; n++) {
                int i = h * M + n;
                switch (init) {
                    case LIN -> {
                        lar.data()[i] = (float) Math.log(0.5);
                        aim.data()[i] = (float) (Math.PI * n);
                        br.data()[i] = 1f;
                    }
                    case REAL -> {
                        lar.data()[i] = (float) Math.log(n + 1);
                        br.data()[i] = 1f;
                    }
                    case LEGS -> {
                        lar.data()[i] = (float) Math.log(-legs[n].aRe());
                        aim.data()[i] = (float) legs[n].aIm();
                        br.data()[i] = (float) legs[n].bRe();
                        bi.data()[i] = (float) legs[n].bIm();
                    }
                }
            }
        }
        this.logDt = parameter("log_dt", logDtInit);
        this.logAReal = parameter("log_a_real", lar);
        this.aImag = parameter("a_imag", aim);
        this.bRe = parameter("b_re", br);
        this.bIm = parameter("b_im", bi);
        // C ~ complex standard normal (variance 1/2 per part), D ~ N(0, 1), as S4D.
        this.cRe = parameter("c_re", Init.normal(Tensor.zeros(H, M), 0, Math.sqrt(0.5), rng));
        this.cIm = parameter("c_im", Init.normal(Tensor.zeros(H, M), 0, Math.sqrt(0.5), rng));
        this.d = parameter("d", Init.normal(Tensor.zeros(H), 0, 1, rng));
        this.outProj = child("out_proj", new Linear(H, 2 * H, true, rng));
    }

    /** Builds the layer from a config; {@code lssl} only changes the defaults. */
    static S4d fromConfig(LayerConfig c, Rng rng, boolean lssl) {
        int state = c.integer("state", 64, 2, 1 << 16);
        InitKind init = InitKind.valueOf(c.string("init", lssl ? "legs" : "lin", "lin", "real", "legs").toUpperCase(java.util.Locale.ROOT));
        Discretization rule = Discretization.valueOf(
                c.string("discretization", lssl ? "bilinear" : "zoh", "zoh", "bilinear").toUpperCase(java.util.Locale.ROOT));
        Mode mode = Mode.valueOf(c.string("mode", "auto", "recurrent", "convolution", "auto").toUpperCase(java.util.Locale.ROOT));
        double dtMin = c.real("dt_min", 0.001, 1e-8, 1e3), dtMax = c.real("dt_max", 0.1, 1e-8, 1e3);
        return new S4d(c.inputSize(), c.hiddenSize(), state, init, rule, mode, dtMin, dtMax, rng);
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int outputSize() {
        return channels;
    }

    /** N/2, the complex modes per channel. */
    public int modes() {
        return modes;
    }

    Weights weights() {
        return new Weights(inProj == null ? null : inProj.weight(),
                new DiagonalSsm.Params(logDt, logAReal, aImag, bRe, bIm, cRe, cIm, d), outProj.weight(), outProj.bias());
    }

    @Override
    public SequenceOutput forward(Var x, Lengths lengths, LayerState initial) {
        return forward(weights(), x, lengths, initial, formFor(x.dim(0), x.dim(1)));
    }

    @Override
    public StepOutput step(Var x, LayerState state) {
        SequenceOutput o = forward(weights(), Shape.unsqueeze(x, 0), null, state, DiagonalSsm.Form.RECURRENT);
        return new StepOutput(Shape.select(o.output(), 0, 0), o.state());
    }

    @Override
    public LayerState zeroState(int batch) {
        return state(Var.constant(Tensor.zeros(batch, modes, channels)), Var.constant(Tensor.zeros(batch, modes, channels)));
    }

    DiagonalSsm.Form formFor(int steps, int batch) {
        return switch (mode) {
            case RECURRENT -> DiagonalSsm.Form.RECURRENT;
            case CONVOLUTION -> DiagonalSsm.Form.CONVOLUTION;
            case AUTO -> DiagonalSsm.cheaperForm(steps, batch, channels, modes, dev.recur.autodiff.GradMode.isEnabled());
        };
    }

    SequenceOutput forward(Weights w, Var x, Lengths lengths, LayerState initial, DiagonalSsm.Form form) {
        Var u = w.inProj() == null ? x : dev.recur.ops.MatMul.linear(x, w.inProj(), null);
        Var x0r = initial == null ? null : initial.get("x_re"), x0i = initial == null ? null : initial.get("x_im");
        DiagonalSsm.Output o = DiagonalSsm.apply(w.ssm(), rule, form, u, lengths, x0r, x0i, discretized);
        Var z = dev.recur.ops.MatMul.linear(Pointwise.gelu(o.y()), w.outWeight(), w.outBias());
        Var[] halves = Shape.split(z, 2, channels, channels);
        Var y = LengthMask.apply(Arith.mul(halves[0], Pointwise.sigmoid(halves[1])), lengths);
        return new SequenceOutput(y, state(o.stateRe(), o.stateIm()));
    }

    private static LayerState state(Var re, Var im) {
        Map<String, Var> m = new LinkedHashMap<>();
        m.put("x_re", re);
        m.put("x_im", im);
        return new LayerState(m);
    }
}
