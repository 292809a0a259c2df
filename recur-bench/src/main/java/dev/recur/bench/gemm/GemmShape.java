package dev.recur.bench.gemm;

import dev.recur.random.Rng;

/**
 * A product shape written {@code MxKxN}: C (m × n) = A (m × k) · B (k × n), so a recurrent step
 * of batch B, hidden H and four gates is {@code Bx256x1024}. The NumPy peer uses the same spelling.
 */
public record GemmShape(int m, int k, int n) {
    public static GemmShape parse(String s) {
        String[] parts = s.trim().split("x");
        if (parts.length != 3) throw new IllegalArgumentException("shape must be MxKxN, found '" + s + "'");
        try {
            return new GemmShape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("shape must be MxKxN with integers, found '" + s + "'");
        }
    }

    /** The operands every GEMM runner times: A and B uniform in [-1, 1) from seed 42, C zero. */
    public Operands operands() {
        Rng rng = new Rng(42);
        float[] a = new float[m * k], b = new float[k * n];
        rng.fillUniform(a, 0, a.length, -1f, 1f);
        rng.fillUniform(b, 0, b.length, -1f, 1f);
        return new Operands(a, b, new float[m * n]);
    }

    /** A (m × k), B (k × n) and C (m × n), row-major. */
    public record Operands(float[] a, float[] b, float[] c) {}

    public double flops() {
        return 2.0 * m * k * n;
    }

    @Override
    public String toString() {
        return m + "x" + k + "x" + n;
    }
}
