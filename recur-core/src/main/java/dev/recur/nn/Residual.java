package dev.recur.nn;

import dev.recur.autodiff.Var;
import dev.recur.ops.Arith;
import dev.recur.tensor.ShapeException;
import dev.recur.tensor.Shapes;

/** {@code x + fn(x)}; {@code fn} (child "fn") must keep the shape. */
public final class Residual extends UnaryModule {
    private final UnaryModule fn;

    public Residual(UnaryModule fn) {
        this.fn = child("fn", fn);
    }

    @Override
    public Var forward(Var x) {
        Var y = fn.forward(x);
        if (!Shapes.equal(y.shape(), x.shape())) {
            throw new ShapeException("Residual: the wrapped " + fn.getClass().getSimpleName() + " maps shape "
                    + Shapes.toString(x.shape()) + " to " + Shapes.toString(y.shape()) + "; a residual needs the same shape");
        }
        return Arith.add(x, y);
    }
}
