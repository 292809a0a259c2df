#!/usr/bin/python3
"""Weighted minimax polynomial fits for the vector kernels (kernel/vector/VectorMath, VectorGelu).

Prints each fit's coefficients as Java hex literals with its own maximum relative error. The
coefficients in the Java sources were produced by this script (float fits rounded to float).
Needs mpmath (Debian: python3-mpmath).  Run: /usr/bin/python3 scripts/fit_kernel_polynomials.py
"""
import struct

import mpmath as mp

mp.mp.dps = 40


def remez(g, w, a, b, degree, grid=4000, iterations=30):
    """Polynomial p of the given degree minimising max |w(v) (g(v) - p(v))| on [a, b] (Remez exchange)."""
    n = degree + 1
    span = b - a
    points = [(a + b) / 2 - span / 2 * mp.cos(mp.pi * j / n) for j in range(n + 1)]
    # the weights vanish at 0 (exp, tanh, log1p fits): start the reference off it
    points = [v if abs(v) > span * mp.mpf('1e-3') else v + span * mp.mpf('1e-2') for v in points]
    mesh = [a + span * (1 - mp.cos(mp.pi * k / grid)) / 2 for k in range(grid + 1)]
    g_mesh = [g(v) for v in mesh]
    w_mesh = [w(v) for v in mesh]
    coefficients, worst = None, None
    for _ in range(iterations):
        matrix = mp.matrix(n + 1, n + 1)
        rhs = mp.matrix(n + 1, 1)
        for j, v in enumerate(points):
            for i in range(n):
                matrix[j, i] = v ** i
            matrix[j, n] = (-1) ** j / w(v)
            rhs[j] = g(v)
        solution = mp.lu_solve(matrix, rhs)
        coefficients = [solution[i] for i in range(n)]
        level = abs(solution[n])
        errors = []
        for v, gv, wv in zip(mesh, g_mesh, w_mesh):
            p = mp.mpf(0)
            for c in reversed(coefficients):
                p = p * v + c
            errors.append(wv * (gv - p))
        worst = max(abs(e) for e in errors)
        # local extrema of the error, one per sign run, trimmed to n + 1 alternating points
        extrema = [k for k in range(len(errors))
                   if (k == 0 or abs(errors[k]) >= abs(errors[k - 1]))
                   and (k + 1 == len(errors) or abs(errors[k]) >= abs(errors[k + 1]))]
        alternating = []
        for k in extrema:
            if alternating and mp.sign(errors[k]) == mp.sign(errors[alternating[-1]]):
                if abs(errors[k]) > abs(errors[alternating[-1]]):
                    alternating[-1] = k
            else:
                alternating.append(k)
        while len(alternating) > n + 1:
            alternating.pop(0 if abs(errors[alternating[0]]) < abs(errors[alternating[-1]]) else -1)
        if len(alternating) < n + 1 or worst - level < level * mp.mpf('1e-6'):
            break
        points = [mesh[k] for k in alternating]
    return coefficients, worst


def as_float(x):
    return struct.unpack('f', struct.pack('f', float(x)))[0]


def java_float(x):
    mantissa, exponent = float.hex(as_float(x)).split('p')
    return mantissa.rstrip('0').rstrip('.') + 'p' + exponent + 'f'


def java_double(x):
    return float.hex(float(x))


def show(title, coefficients, error, literal):
    print(f'// {title}: fit relative error {mp.nstr(error, 3)}')
    for i, c in enumerate(coefficients):
        print(f'//   c{i} = {literal(c)}')


def main():
    half_ln2 = mp.log(2) / 2 * mp.mpf('1.0005')  # a little slack for the rounding of k and r

    def exp_tail(r):  # e^r = 1 + r + r^2 P(r)
        return (mp.exp(r) - 1 - r) / r ** 2 if r != 0 else mp.mpf(1) / 2

    def exp_weight(r):  # relative error of e^r
        return r ** 2 / mp.exp(r)

    c, e = remez(exp_tail, exp_weight, -half_ln2, half_ln2, 4)
    show('float e^r = 1 + r + r^2 (E2 + E3 r + ... + E6 r^4), |r| <= ln2/2', c, e, java_float)
    c, e = remez(exp_tail, exp_weight, -half_ln2, half_ln2, 5)
    show('double e^r = 1 + r + r^2 (X2 + ... + X7 r^5), |r| <= ln2/2', c, e, java_double)

    def tanh_tail(s):  # tanh(x) = x + x^3 Q(x^2), s = x^2
        x = mp.sqrt(s)
        return (mp.tanh(x) - x) / (s * x) if s != 0 else mp.mpf(-1) / 3

    def tanh_weight(s):
        x = mp.sqrt(s)
        return s * x / mp.tanh(x) if s != 0 else mp.mpf(0)

    c, e = remez(tanh_tail, tanh_weight, mp.mpf(0), mp.mpf('0.625') ** 2, 4)
    show('tanh(x) = x + x^3 (T0 + T1 x^2 + ... + T4 x^8), |x| < 0.625', c, e, java_float)

    def log1p_tail(u):  # log1p(u) = u + u^2 L(u)
        return (mp.log1p(u) - u) / u ** 2 if u != 0 else mp.mpf(-1) / 2

    c, e = remez(log1p_tail, lambda u: u ** 2 / mp.log1p(u) if u != 0 else mp.mpf(0), mp.mpf(0), mp.mpf(1), 9)
    show('log1p(u) = u + u^2 (L0 + L1 u + ... + L9 u^9), u in [0, 1]', c, e, java_float)

    scale = mp.mpf('0.25')

    def gelu_g(t):  # G(u) = Phi(-u) e^(u^2/2) at u = (1/t - 1) / scale, i.e. t = 1 / (1 + u/4)
        u = (1 / t - 1) / scale
        return mp.ncdf(-u) * mp.exp(u * u / 2)

    c, e = remez(gelu_g, lambda t: 1 / gelu_g(t), 1 / (1 + scale * 16), mp.mpf(1), 11)
    show('G(u) = Phi(-u) e^(u^2/2) = G0 + G1 t + ... + G11 t^11, t = 1/(1 + u/4), u in [0, 16]', c, e, java_double)


if __name__ == '__main__':
    main()
