package dev.recur.ssm;

/**
 * How a continuous diagonal mode {@code x' = a x + b u} becomes the recurrence
 * {@code x_t = lambda x_{t-1} + g b u_t} for a step dt. Both rules map {@code Re a < 0} inside the
 * unit circle, so a stable mode stays stable for every step size.
 *
 * <ul>
 * <li>{@link #ZOH}, zero-order hold (u constant over a step): {@code lambda = exp(dt a)},
 *     {@code g = (exp(dt a) - 1) / a}.</li>
 * <li>{@link #BILINEAR}, the trapezoidal rule (Tustin; LSSL's default):
 *     {@code lambda = (1 + dt a/2) / (1 - dt a/2)}, {@code g = dt / (1 - dt a/2)}.</li>
 * </ul>
 */
public enum Discretization {
    ZOH {
        @Override
        Step discretize(Complex a, double dt) {
            Complex z = a.times(dt);
            Complex e = z.exp();
            Complex g = isTiny(a, dt) ? Complex.real(dt).plus(a.times(0.5 * dt * dt)) : z.expm1().div(a);
            return new Step(e, g);
        }

        @Override
        Derivatives derivatives(Complex a, double dt) {
            Complex z = a.times(dt);
            Complex e = z.exp();
            // d/da [(e^{dt a} - 1)/a] = (dt a e^{dt a} - (e^{dt a} - 1)) / a^2, whose series near 0 is dt^2/2 + dt^3 a/3.
            Complex dgDa = isTiny(a, dt)
                    ? Complex.real(0.5 * dt * dt).plus(a.times(dt * dt * dt / 3))
                    : z.times(e).minus(z.expm1()).div(a.times(a));
            return new Derivatives(e.times(dt), e.times(a), dgDa, e);
        }
    },
    BILINEAR {
        @Override
        Step discretize(Complex a, double dt) {
            Complex den = Complex.ONE.minus(a.times(0.5 * dt));
            return new Step(Complex.ONE.plus(a.times(0.5 * dt)).div(den), Complex.real(dt).div(den));
        }

        @Override
        Derivatives derivatives(Complex a, double dt) {
            Complex den = Complex.ONE.minus(a.times(0.5 * dt));
            Complex inv2 = Complex.ONE.div(den.times(den)); // d lambda / dz with z = dt a
            return new Derivatives(inv2.times(dt), inv2.times(a), inv2.times(0.5 * dt * dt), inv2);
        }
    };

    /** The discrete mode: {@code lambda} and the input factor {@code g} (B-bar = g B). */
    record Step(Complex lambda, Complex g) {}

    /** Partial derivatives of lambda and g by a (holomorphic) and by the real step dt. */
    record Derivatives(Complex dLambdaDa, Complex dLambdaDdt, Complex dgDa, Complex dgDdt) {}

    abstract Step discretize(Complex a, double dt);

    abstract Derivatives derivatives(Complex a, double dt);

    /** Where (e^z - 1)/a would lose digits to the division, a two-term series is exact to double precision. */
    private static boolean isTiny(Complex a, double dt) {
        return Math.hypot(a.re(), a.im()) * dt < 1e-8;
    }

    /** The option value: {@code zoh} or {@code bilinear}. */
    public String optionName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
