package dev.recur.linear;

import dev.recur.autodiff.Var;
import dev.recur.layer.Lengths;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;

/**
 * The linear-attention recurrences as autodiff functions over time-major sequences, for mixers
 * built outside this package and for benchmarks: each is one node with a fused backward, in the
 * chunkwise form ({@code chunked}, chunks of {@code chunk} steps) or the fused recurrent form
 * (state recorded every {@code chunk} steps for the backward pass). States are key-major:
 * {@code S (B, H, dk, dv)} with {@code o_t = S_tᵀ q_t}. A null state means zeros; null lengths
 * mean every sequence runs all T steps. See {@link GlaRecurrence}, {@link DeltaRecurrence} and
 * {@link MlstmRecurrence} for the equations.
 */
public final class LinearAttention {
    private LinearAttention() {}

    /**
     * Gated linear attention: q, k, logDecay (T, B, H·dk), v (T, B, H·dv), logDecay <= 0.
     * Returns {o (T, B, H·dv), S_T (B, H, dk, dv)}.
     */
    public static Var[] gla(Var q, Var k, Var v, Var logDecay, Var state, int heads, Lengths lengths, boolean chunked, int chunk) {
        Heads geo = geometry("gla", q, heads, lengths);
        int dk = width("gla", q, heads, 1), dv = width("gla", v, heads, 1);
        same("gla: k", k, q);
        same("gla: logDecay", logDecay, q);
        sequence("gla: v", v, geo);
        state("gla: state", state, geo, dk, dv);
        return GlaOp.apply(geo, lengths, new Form(chunked, chunk), dk, dv, q, k, v, logDecay, state);
    }

    /**
     * The (gated) delta rule with {@code householder} steps per token: q (T, B, H·dk),
     * k (T, B, H·n·dk), v (T, B, H·n·dv), beta (T, B, H·n), logDecay (T, B, H) or null.
     * Returns {o (T, B, H·dv), S_T (B, H, dk, dv)}.
     */
    public static Var[] deltaRule(Var q, Var k, Var v, Var beta, Var logDecay, Var state, int heads, int householder,
                                  Lengths lengths, boolean chunked, int chunk) {
        Heads geo = geometry("deltaRule", q, heads, lengths);
        int dk = width("deltaRule", q, heads, 1), dv = width("deltaRule", v, heads, householder);
        if (k.rank() != 3 || k.dim(2) != heads * householder * dk) {
            throw ShapeException.mismatch("deltaRule: k", new int[] {geo.steps(), geo.batch(), heads * householder * dk}, k.shape());
        }
        sequence("deltaRule: k", k, geo);
        sequence("deltaRule: v", v, geo);
        Shapes.check("deltaRule: beta", beta.shape(), geo.steps(), geo.batch(), heads * householder);
        if (logDecay != null) Shapes.check("deltaRule: logDecay", logDecay.shape(), geo.steps(), geo.batch(), heads);
        state("deltaRule: state", state, geo, dk, dv);
        return DeltaOp.apply(geo, lengths, new Form(chunked, chunk), householder, dk, dv, q, k, v, beta, logDecay, state);
    }

    /**
     * The mLSTM cell: q, k (T, B, H·dk), v (T, B, H·dv), inputGate (pre-activation) and logForget
     * (T, B, H); state C (B, H, dk, dv), n (B, H, dk), m (B, H), all null or all given.
     * Returns {h̃ (T, B, H·dv), C_T, n_T, m_T}.
     */
    public static Var[] mlstm(Var q, Var k, Var v, Var inputGate, Var logForget, Var c, Var n, Var m, int heads,
                              Lengths lengths, boolean chunked, int chunk) {
        Heads geo = geometry("mlstm", q, heads, lengths);
        int dk = width("mlstm", q, heads, 1), dv = width("mlstm", v, heads, 1);
        same("mlstm: k", k, q);
        sequence("mlstm: v", v, geo);
        Shapes.check("mlstm: inputGate", inputGate.shape(), geo.steps(), geo.batch(), heads);
        Shapes.check("mlstm: logForget", logForget.shape(), geo.steps(), geo.batch(), heads);
        if ((c == null) != (n == null) || (c == null) != (m == null)) {
            throw new ShapeException("mlstm: give all of the state C, n, m or none of it");
        }
        if (c != null) {
            state("mlstm: C", c, geo, dk, dv);
            Shapes.check("mlstm: n", n.shape(), geo.batch(), heads, dk);
            Shapes.check("mlstm: m", m.shape(), geo.batch(), heads);
        }
        return MlstmOp.apply(geo, lengths, new Form(chunked, chunk), dk, dv, q, k, v, inputGate, logForget, c, n, m);
    }

    private static Heads geometry(String op, Var q, int heads, Lengths lengths) {
        if (q.rank() != 3) throw new ShapeException(op + ": q must be (T, B, H·dk), found " + Shapes.toString(q.shape()));
        if (heads < 1) throw new ShapeException(op + ": heads must be >= 1, got " + heads);
        if (lengths != null) lengths.check(q.dim(1), q.dim(0));
        return new Heads(q.dim(0), q.dim(1), heads);
    }

    private static int width(String op, Var x, int heads, int per) {
        if (x.rank() != 3 || x.dim(2) % (heads * per) != 0 || x.dim(2) == 0) {
            throw new ShapeException(op + ": last dimension of " + Shapes.toString(x.shape()) + " is not a positive multiple of "
                    + (heads * per));
        }
        return x.dim(2) / (heads * per);
    }

    private static void same(String what, Var x, Var like) {
        Shapes.check(what, x.shape(), like.shape());
    }

    private static void sequence(String what, Var x, Heads geo) {
        if (x.rank() != 3 || x.dim(0) != geo.steps() || x.dim(1) != geo.batch()) {
            throw new ShapeException(what + ": expected (" + geo.steps() + ", " + geo.batch() + ", ...), found " + Shapes.toString(x.shape()));
        }
    }

    private static void state(String what, Var s, Heads geo, int dk, int dv) {
        if (s != null) Shapes.check(what, s.shape(), geo.batch(), geo.heads(), dk, dv);
    }
}
