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
        ParaCell wrong = new FlawedGru(4) {
            public void evaluate(Tensor[] p, int B, float[] h, int hOff, float[] u, int uOff, float[] out, int oOff, float[] jac, int jOff) {
                gru.evaluate(p, B, h, hOff, u, uOff, out, oOff, jac, jOff);
                if (jac != null) for (int m = 0; m < B * 4; m++) jac[jOff + m] *= 0.9f;
            }
        };
        JacobianCheck.Result r = JacobianCheck.check(wrong, wrong.initialParameters(new Rng(1)), 1, 1e-2, 5);
        assertTrue(r.jacobian() > 1e-2, r.toString());
        assertTrue(r.input() < 2e-3 && r.parameter() < 2e-3, r.toString());
    }

    /** A cell that couples lanes (not block-diagonal) is reported through the off-block entries. */
    @Test
    void couplingAcrossLanesIsCaught() {
        ParaCell mixing = new FlawedGru(3) {
            public void evaluate(Tensor[] p, int B, float[] h, int hOff, float[] u, int uOff, float[] out, int oOff, float[] jac, int jOff) {
                gru.evaluate(p, B, h, hOff, u, uOff, out, oOff, jac, jOff);
                out[oOff] += 0.5f * h[hOff + 1]; // unit 0 reads unit 1
            }
        };
        JacobianCheck.Result r = JacobianCheck.check(mixing, mixing.initialParameters(new Rng(1)), 1, 1e-2, 5);
        assertTrue(r.offBlock() > 0.4, r.toString());
    }

    /** ParaGRU with the test's flaw written into {@code evaluate}; everything else is the real cell's. */
    private abstract static class FlawedGru extends AbstractParaCell {
        final ParaGruCell gru;

        FlawedGru(int units) {
            super(units, List.of("h"), 0, 3, List.of("a_z", "a_r", "a_c"));
            gru = new ParaGruCell(units);
        }

        @Override
        public Tensor[] initialParameters(Rng rng) {
            return gru.initialParameters(rng);
        }

        @Override
        public void backward(Tensor[] p, int B, float[] h, int hOff, float[] u, int uOff, float[] l, int lOff, float[] gu, int guOff, float[][] gp) {
            gru.backward(p, B, h, hOff, u, uOff, l, lOff, gu, guOff, gp);
        }
    }
}
