package dev.recur.rnn;

import dev.recur.autodiff.GradCheck;
import dev.recur.autodiff.Var;
import dev.recur.layer.Lengths;
import dev.recur.random.Rng;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each fused cell against its float64 reference ({@link CellReference}): outputs and final states,
 * and float64 finite-difference checks of the gradients of the gate pre-activations (hence the
 * input), the recurrent weight and bias, the projection and peepholes, and every initial state;
 * in both directions, with and without ragged lengths, dense and head-wise.
 */
class CellGradTest {
    static final int T = 6, B = 3;

    @ParameterizedTest(name = "{0} H={1} heads={2} reverse={3} ragged={4} variant={5}")
    @CsvSource({
            "RNN_TANH, 5, 1, false, false, -", "RNN_TANH, 6, 2, true, true, -", "RNN_RELU, 5, 1, false, true, -",
            "INDRNN, 5, 1, true, true, -", "INDRNN, 4, 1, false, false, tanh",
            "LSTM, 5, 1, false, false, -", "LSTM, 6, 3, true, true, -", "LSTM, 6, 1, false, true, proj",
            "LSTM, 5, 1, true, false, peep", "LSTM, 6, 1, true, true, proj+peep",
            "GRU, 5, 1, false, false, -", "GRU, 6, 2, true, true, -", "GRU, 5, 1, false, true, before",
            "GRU, 6, 3, true, false, before",
            "MGU, 5, 1, false, false, -", "MGU, 6, 2, true, true, -",
            "SLSTM, 5, 1, false, false, -", "SLSTM, 6, 2, true, true, -"})
    void fusedCellMatchesFloat64Reference(CellType type, int H, int heads, boolean reverse, boolean ragged, String variant) {
        boolean proj = variant.contains("proj"), peep = variant.contains("peep");
        boolean resetAfter = !variant.equals("before"), relu = type == CellType.RNN_RELU || (type == CellType.INDRNN && !variant.equals("tanh"));
        int P = proj ? 3 : H;
        Cell cell = type.create(H, P, heads, resetAfter, relu);
        var spec = new CellReference.Spec(type, H, P, heads, resetAfter, relu, peep);
        int GH = type.gates * H, ns = spec.states();
        int[] lengths = ragged ? new int[] {T, 2, 0} : null;
        Rng rng = new Rng(type.ordinal() * 100L + H * 10L + heads + (reverse ? 7 : 0));
        Tensor[] in = new Tensor[5 + ns];
        in[0] = randn(rng, 1f, T, B, GH);
        in[1] = randn(rng, (float) (0.8 / Math.sqrt(P)), cell.rec.shape(type.gates));
        in[2] = randn(rng, 0.3f, GH);
        in[3] = proj ? randn(rng, (float) (0.8 / Math.sqrt(H)), P, H) : null;
        in[4] = peep ? randn(rng, 0.4f, 3 * H) : null;
        for (int k = 0; k < ns; k++) {
            in[5 + k] = randn(rng, 0.5f, B, spec.width(k));
            if (type == CellType.SLSTM && k == 2) abs(in[5 + k], 0.5f); // a normaliser is positive
        }
        // GradCheck wants non-null inputs: drop the absent ones and map back
        int[] idx = java.util.stream.IntStream.range(0, in.length).filter(i -> in[i] != null).toArray();
        Tensor[] present = java.util.Arrays.stream(idx).mapToObj(i -> in[i]).toArray(Tensor[]::new);
        boolean[] diff = new boolean[present.length];
        java.util.Arrays.fill(diff, true);
        GradCheck.checkAll(present, diff, v -> {
            Var[] all = new Var[in.length];
            for (int j = 0; j < idx.length; j++) all[idx[j]] = v[j];
            Var[] s0 = java.util.Arrays.copyOfRange(all, 5, 5 + ns);
            return RecurrentOp.apply(cell, all[0], all[1], all[2], all[3], all[4], s0, lengths == null ? null : Lengths.of(lengths), reverse);
        }, x -> {
            double[][] all = new double[in.length][];
            for (int j = 0; j < idx.length; j++) all[idx[j]] = x[j];
            return CellReference.run(spec, all[0], all[1], all[2], all[3], all[4], java.util.Arrays.copyOfRange(all, 5, 5 + ns),
                    T, B, lengths, reverse);
        }, 11).assertWithin(2e-4);
    }

    static Tensor randn(Rng rng, float std, int... shape) {
        Tensor t = Tensor.zeros(shape);
        rng.fillNormal(t.data(), 0, t.numel(), 0f, std);
        return t;
    }

    static void abs(Tensor t, float add) {
        float[] a = t.data();
        for (int i = 0; i < a.length; i++) a[i] = Math.abs(a[i]) + add;
    }
}
