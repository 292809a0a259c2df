package dev.recur.linear;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public functions: the same results as the float64 recurrences, and one-line shape errors. */
class LinearAttentionTest {
    @Test
    void functionsMatchTheReferences() {
        int T = 9;
        Tensor[] g = GlaCoreTest.inputs(1, T, -1.0);
        Var[] y = LinearAttention.gla(Var.constant(g[0]), Var.constant(g[1]), Var.constant(g[2]), Var.constant(g[3]),
                Var.constant(g[4]), GlaCoreTest.H, null, true, 4);
        double[][] r = CoreReference.gla(g[0].toDoubleArray(), g[1].toDoubleArray(), g[2].toDoubleArray(), g[3].toDoubleArray(),
                g[4].toDoubleArray(), T, GlaCoreTest.B, GlaCoreTest.H, GlaCoreTest.DK, GlaCoreTest.DV, null);
        assertTrue(GradCheck.relRms(y[0].value().toDoubleArray(), r[0]) < 1e-5);

        Tensor[] d = DeltaCoreTest.inputs(2, T, 2, 2f, -1.0);
        Var[] z = LinearAttention.deltaRule(Var.constant(d[0]), Var.constant(d[1]), Var.constant(d[2]), Var.constant(d[3]),
                Var.constant(d[4]), Var.constant(d[5]), DeltaCoreTest.H, 2, null, false, 4);
        double[][] rd = CoreReference.delta(d[0].toDoubleArray(), d[1].toDoubleArray(), d[2].toDoubleArray(), d[3].toDoubleArray(),
                d[4].toDoubleArray(), d[5].toDoubleArray(), T, DeltaCoreTest.B, DeltaCoreTest.H, 2, DeltaCoreTest.DK, DeltaCoreTest.DV, null);
        assertTrue(GradCheck.relRms(z[1].value().toDoubleArray(), rd[1]) < 1e-5);

        Tensor[] m = MlstmCoreTest.inputs(3, T, 2.0, 1.0);
        Var[] h = LinearAttention.mlstm(Var.constant(m[0]), Var.constant(m[1]), Var.constant(m[2]), Var.constant(m[3]),
                Var.constant(m[4]), null, null, null, MlstmCoreTest.H, null, true, 4);
        double[][] rm = CoreReference.mlstm(m[0].toDoubleArray(), m[1].toDoubleArray(), m[2].toDoubleArray(), m[3].toDoubleArray(),
                m[4].toDoubleArray(), null, null, null, T, MlstmCoreTest.B, MlstmCoreTest.H, MlstmCoreTest.DK, MlstmCoreTest.DV, null);
        assertTrue(GradCheck.relRms(h[0].value().toDoubleArray(), rm[0]) < 1e-5);
    }

    @Test
    void badShapesAreShapeErrors() {
        Var q = Var.constant(Tensor.zeros(5, 2, 8)), v = Var.constant(Tensor.zeros(5, 2, 6)), g = Var.constant(Tensor.zeros(5, 2, 8));
        assertThrows(ShapeException.class, () -> LinearAttention.gla(q, q, v, Var.constant(Tensor.zeros(5, 2, 7)), null, 2, null, true, 4));
        assertThrows(ShapeException.class, () -> LinearAttention.gla(q, q, v, g, Var.constant(Tensor.zeros(2, 2, 4, 4)), 2, null, true, 4));
        assertThrows(ShapeException.class, () -> LinearAttention.gla(q, q, v, g, null, 3, null, true, 4));
        assertThrows(ShapeException.class, () -> LinearAttention.deltaRule(q, q, v, Var.constant(Tensor.zeros(5, 2, 2)), null, null, 2, 2,
                null, true, 4));
        assertThrows(ShapeException.class, () -> LinearAttention.mlstm(q, q, v, Var.constant(Tensor.zeros(5, 2, 2)),
                Var.constant(Tensor.zeros(5, 2, 2)), Var.constant(Tensor.zeros(2, 2, 4, 3)), null, null, 2, null, true, 4));
    }
}
