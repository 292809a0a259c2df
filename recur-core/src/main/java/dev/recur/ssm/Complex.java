package dev.recur.ssm;

/**
 * A complex number in double precision, for the per-mode algebra of diagonal state spaces
 * (initialisation, discretisation and its derivatives). Hot loops over sequences keep real and
 * imaginary parts in separate arrays instead.
 *
 * <p>Gradient convention used throughout the package: for a real loss L and a complex quantity
 * z, its gradient is {@code dL/dRe z + i dL/dIm z}. With it, the chain rule through a holomorphic
 * f is {@code g_z = g_f * conj(f'(z))}, and through a function of a real t it is
 * {@code g_t = Re(g_f * conj(df/dt))}.
 */
record Complex(double re, double im) {
    static final Complex ONE = new Complex(1, 0);

    static Complex real(double x) {
        return new Complex(x, 0);
    }

    Complex plus(Complex o) {
        return new Complex(re + o.re, im + o.im);
    }

    Complex minus(Complex o) {
        return new Complex(re - o.re, im - o.im);
    }

    Complex times(Complex o) {
        return new Complex(re * o.re - im * o.im, re * o.im + im * o.re);
    }

    Complex times(double s) {
        return new Complex(re * s, im * s);
    }

    Complex div(Complex o) {
        double d = o.re * o.re + o.im * o.im;
        return new Complex((re * o.re + im * o.im) / d, (im * o.re - re * o.im) / d);
    }

    Complex conj() {
        return new Complex(re, -im);
    }

    Complex exp() {
        double m = Math.exp(re);
        return new Complex(m * Math.cos(im), m * Math.sin(im));
    }

    /** exp(z) - 1 without cancellation for small |z|: expm1(x) cos y - 2 sin^2(y/2) + i e^x sin y. */
    Complex expm1() {
        double s = Math.sin(0.5 * im);
        return new Complex(Math.expm1(re) * Math.cos(im) - 2 * s * s, Math.exp(re) * Math.sin(im));
    }

    /** Re(this * conj(o)): the real-parameter chain rule. */
    double dotConj(Complex o) {
        return re * o.re + im * o.im;
    }
}
