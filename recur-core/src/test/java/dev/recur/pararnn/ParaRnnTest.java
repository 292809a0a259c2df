package dev.recur.pararnn;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.kernel.Parallel;
import dev.recur.layer.Lengths;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParaRnnTest {
    record Case(ParaCell cell, CellReference.Step ref) {}

    static List<Case> cases() {
        return List.of(new Case(new ParaGruCell(5), CellReference.gru(5)),
                new Case(new ParaLstmCell(4), CellReference.lstm(4)),
                new Case(new CoupledTanhCell(3), CellReference.coupled(3)));
    }

    private int savedThreads;

    @BeforeEach
    void moreThreads() {
        savedThreads = Parallel.threads();
        Parallel.setThreads(4); // the time-chunked scan with several chunks, even on 2 cores
    }

    @AfterEach
    void restore() {
        Parallel.setThreads(savedThreads);
    }

    static Tensor randn(Rng rng, double scale, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.numel(); i++) t.data()[i] = (float) (rng.nextGaussian() * scale);
        return t;
    }

    /** Inputs: drive, the parameters, the initial state per component. */
    static Tensor[] inputs(ParaCell cell, int T, int B, long seed) {
        Rng rng = new Rng(seed);
        Tensor[] p = cell.initialParameters(rng);
        int k = cell.components();
        Tensor[] in = new Tensor[1 + p.length + k];
        in[0] = randn(rng, 1, T, B, cell.driveWidth());
        System.arraycopy(p, 0, in, 1, p.length);
        for (int i = 0; i < k; i++) in[1 + p.length + i] = randn(rng, 0.5, B, cell.units());
        return in;
    }

    static ParaRnn.Result run(ParaCell cell, Var[] v, Lengths len, ParaRnn.Options o) {
        int np = cell.parameterNames().size(), k = cell.components();
        Var[] params = java.util.Arrays.copyOfRange(v, 1, 1 + np);
        Var[] init = java.util.Arrays.copyOfRange(v, 1 + np, 1 + np + k);
        return ParaRnn.apply(cell, v[0], params, init, len, o);
    }

    static Var[] outputs(ParaRnn.Result r) {
        Var[] o = new Var[1 + r.state().length];
        o[0] = r.output();
        System.arraycopy(r.state(), 0, o, 1, r.state().length);
        return o;
    }

    static final ParaRnn.Options NEWTON = ParaRnn.Options.DEFAULT.withMode(ParaRnn.Mode.NEWTON);
    static final ParaRnn.Options SEQUENTIAL = ParaRnn.Options.DEFAULT.withMode(ParaRnn.Mode.SEQUENTIAL);

    /** Runs forward and backward with fixed upstream gradients; returns outputs then input gradients, flattened. */
    static float[][] forwardBackward(ParaCell cell, Tensor[] in, Lengths len, ParaRnn.Options o, ParaRnn.Stats[] stats) {
        Var[] v = new Var[in.length];
        for (int i = 0; i < in.length; i++) v[i] = Var.leaf(in[i].copy());
        Var[] outs;
        try (var on = GradMode.on()) {
            ParaRnn.Result r = run(cell, v, len, o);
            if (stats != null) stats[0] = r.stats();
            outs = outputs(r);
        }
        Rng rng = new Rng(77);
        Tensor[] seeds = new Tensor[outs.length];
        for (int i = 0; i < outs.length; i++) seeds[i] = randn(rng, 1, outs[i].shape());
        dev.recur.autodiff.Backprop.run(outs, seeds);
        float[][] res = new float[outs.length + v.length][];
        for (int i = 0; i < outs.length; i++) res[i] = outs[i].value().toArray();
        for (int i = 0; i < v.length; i++) res[outs.length + i] = v[i].grad().toArray();
        return res;
    }

    static double relErr(float[] a, float[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (double) (a[i] - b[i]) * (a[i] - b[i]);
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-12));
    }

    @Test
    void newtonGivesTheSequentialOutputsAndGradients() {
        int T = 300, B = 3;
        Lengths len = Lengths.of(300, 171, 0);
        for (Case c : cases()) {
            Tensor[] in = inputs(c.cell(), T, B, 5);
            float[][] seq = forwardBackward(c.cell(), in, len, SEQUENTIAL, null);
            for (LinearScan.Strategy s : new LinearScan.Strategy[] {LinearScan.Strategy.TIME_CHUNKS, LinearScan.Strategy.LANES}) {
                ParaRnn.Stats[] st = new ParaRnn.Stats[1];
                float[][] nw = forwardBackward(c.cell(), in, len, new ParaRnn.Options(ParaRnn.Mode.NEWTON, 0, 50, s), st);
                String what = c.cell().getClass().getSimpleName() + " " + s;
                assertTrue(st[0].newton() && !st[0].fellBack() && st[0].residual() <= st[0].tolerance(), what + ": " + st[0]);
                assertTrue(st[0].iterations() >= 1 && st[0].iterations() <= 20, what + ": " + st[0]);
                for (int i = 0; i < seq.length; i++) {
                    double e = relErr(nw[i], seq[i]);
                    assertTrue(e < 1e-4, what + ": output/gradient " + i + " differs by " + e);
                }
            }
        }
    }

    @Test
    void gradientsMatchFloat64FiniteDifferencesInBothModes() {
        int T = 7, B = 2;
        int[] len = {7, 4};
        for (Case c : cases()) {
            ParaCell cell = c.cell();
            int np = cell.parameterNames().size(), k = cell.components();
            Tensor[] in = inputs(cell, T, B, 9);
            boolean[] diff = new boolean[in.length];
            java.util.Arrays.fill(diff, true);
            for (ParaRnn.Options o : new ParaRnn.Options[] {SEQUENTIAL, NEWTON}) {
                GradCheck.checkAll(in, diff, v -> outputs(run(cell, v, Lengths.of(len), o)), x -> {
                    double[][] p = java.util.Arrays.copyOfRange(x, 1, 1 + np);
                    double[] init = new double[k * B * cell.units()];
                    for (int i = 0; i < k; i++) System.arraycopy(x[1 + np + i], 0, init, i * B * cell.units(), B * cell.units());
                    return CellReference.run(c.ref(), k, cell.units(), cell.outputComponent(), x[0], p, init, T, B, cell.driveWidth(), len);
                }, 21).assertWithin(1e-4);
            }
        }
    }

    @Test
    void hittingTheIterationCapFallsBackToTheSequentialSolveVisibly() {
        ParaCell cell = new ParaGruCell(6);
        Tensor[] in = inputs(cell, 256, 2, 3);
        float[][] seq = forwardBackward(cell, in, null, SEQUENTIAL, null);
        ParaRnn.Stats[] st = new ParaRnn.Stats[1];
        float[][] capped = forwardBackward(cell, in, null, new ParaRnn.Options(ParaRnn.Mode.NEWTON, 0, 1, LinearScan.Strategy.AUTO), st);
        assertTrue(st[0].fellBack() && st[0].iterations() == 1 && st[0].residual() > st[0].tolerance(), st[0].toString());
        for (int i = 0; i < seq.length; i++) assertArrayEquals(seq[i], capped[i], "output/gradient " + i);
    }

    @Test
    void theFallbackIsReportedOnceAsAWarning() {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("dev.recur.pararnn");
        List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(h);
        boolean parent = jul.getUseParentHandlers();
        jul.setUseParentHandlers(false); // keep the expected warning out of the build log
        try {
            ParaRnn.rearmWarning();
            ParaCell cell = new ParaGruCell(4);
            ParaRnn.Options capped = new ParaRnn.Options(ParaRnn.Mode.NEWTON, 0, 1, LinearScan.Strategy.AUTO);
            for (int i = 0; i < 3; i++) forwardBackward(cell, inputs(cell, 128, 2, i), null, capped, null);
            long warnings = records.stream().filter(r -> r.getLevel() == java.util.logging.Level.WARNING).count();
            assertTrue(warnings == 1, "expected one warning, got " + warnings);
            assertTrue(records.get(0).getMessage().contains("falling back to the sequential solve"), records.get(0).getMessage());
        } finally {
            jul.removeHandler(h);
            jul.setUseParentHandlers(parent);
        }
    }

    @Test
    void aSingleStepAndAutoModeOnTwoThreadsRunSequentially() {
        ParaCell cell = new ParaLstmCell(3);
        Tensor[] in = inputs(cell, 1, 2, 4);
        ParaRnn.Stats[] st = new ParaRnn.Stats[1];
        forwardBackward(cell, in, null, NEWTON, st);
        assertFalse(st[0].newton());
        Parallel.setThreads(2);
        Tensor[] longer = inputs(cell, 2048, 1, 4);
        forwardBackward(cell, longer, null, ParaRnn.Options.DEFAULT, st);
        assertFalse(st[0].newton(), "auto must not pick Newton on 2 threads");
    }

    @Test
    void theSequentialSolveSplitAcrossBatchGroupsGivesTheSameBits() {
        for (ParaCell cell : List.of(new ParaGruCell(256), new ParaLstmCell(256))) {
            int T = 12, B = 5, k = cell.components();
            Tensor[] in = inputs(cell, T, B, 2);
            Tensor[] p = java.util.Arrays.copyOfRange(in, 1, 1 + cell.parameterNames().size());
            float[] init = new float[k * B * 256];
            for (int i = 0; i < k; i++) System.arraycopy(in[in.length - k + i].toArray(), 0, init, i * B * 256, B * 256);
            float[] grouped = NewtonSolver.sequential(cell, p, T, B, in[0].toArray(), init).states();
            assertTrue(Parallel.chunks(B, 2) > 1);
            Parallel.setThreads(1);
            float[] whole = NewtonSolver.sequential(cell, p, T, B, in[0].toArray(), init).states();
            assertArrayEquals(whole, grouped);
            Parallel.setThreads(4);
        }
    }
}
