package dev.recur.pararnn;

import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class JacobianCheckTest {
    @Test
    void builtInAndUserCellsStateTheirJacobiansAndGradientsCorrectly() {
        for (ParaCell cell : List.of(new ParaGruCell(6), new ParaLstmCell(5), new CoupledTanhCell(4))) {
            for (double scale : new double[] {0.5, 1.5}) {
                Tensor[] p = cell.initialParameters(new Rng(3));
                JacobianCheck.Result r = JacobianCheck.check(cell, p, scale, 1e-2, 11);
                assertTrue(r.worst() < 2e-3, cell.getClass().getSimpleName() + " at scale " + scale + ": " + r);
            }
        }
    }

    /** A cell whose stated Jacobian misses the reset gate's path, as a hand derivation easily does. */
    @Test
    void aWrongJacobianIsCaught() {
        ParaGruCell gru = new ParaGruCell(4);
        ParaCell wrong = new ParaCell() {
            public int components() { return 1; }
            public int units() { return 4; }
            public int driveWidth() { return 12; }
            public int outputComponent() { return 0; }
            public List<String> componentNames() { return gru.componentNames(); }
            public List<String> parameterNames() { return gru.parameterNames(); }
            public Tensor[] initialParameters(Rng rng) { return gru.initialParameters(rng); }

            public void evaluate(Tensor[] p, int B, float[] h, int hOff, float[] u, int uOff, float[] out, int oOff, float[] jac, int jOff) {
                gru.evaluate(p, B, h, hOff, u, uOff, out, oOff, jac, jOff);
                if (jac != null) for (int m = 0; m < B * 4; m++) jac[jOff + m] *= 0.9f;
            }

            public void backward(Tensor[] p, int B, float[] h, int hOff, float[] u, int uOff, float[] l, int lOff, float[] gu, int guOff, float[][] gp) {
                gru.backward(p, B, h, hOff, u, uOff, l, lOff, gu, guOff, gp);
            }
        };
        JacobianCheck.Result r = JacobianCheck.check(wrong, wrong.initialParameters(new Rng(1)), 1, 1e-2, 5);
        assertTrue(r.jacobian() > 1e-2, r.toString());
        assertTrue(r.input() < 2e-3 && r.parameter() < 2e-3, r.toString());
    }

    /** A cell that couples lanes (not block-diagonal) is reported through the off-block entries. */
    @Test
    void couplingAcrossLanesIsCaught() {
        ParaGruCell gru = new ParaGruCell(3);
        ParaCell mixing = new ParaCell() {
            public int components() { return 1; }
            public int units() { return 3; }
            public int driveWidth() { return 9; }
            public int outputComponent() { return 0; }
            public List<String> componentNames() { return gru.componentNames(); }
            public List<String> parameterNames() { return gru.parameterNames(); }
            public Tensor[] initialParameters(Rng rng) { return gru.initialParameters(rng); }

            public void evaluate(Tensor[] p, int B, float[] h, int hOff, float[] u, int uOff, float[] out, int oOff, float[] jac, int jOff) {
                gru.evaluate(p, B, h, hOff, u, uOff, out, oOff, jac, jOff);
                out[oOff] += 0.5f * h[hOff + 1]; // unit 0 reads unit 1
            }

            public void backward(Tensor[] p, int B, float[] h, int hOff, float[] u, int uOff, float[] l, int lOff, float[] gu, int guOff, float[][] gp) {
                gru.backward(p, B, h, hOff, u, uOff, l, lOff, gu, guOff, gp);
            }
        };
        JacobianCheck.Result r = JacobianCheck.check(mixing, mixing.initialParameters(new Rng(1)), 1, 1e-2, 5);
        assertTrue(r.offBlock() > 0.4, r.toString());
    }
}
