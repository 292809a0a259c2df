package dev.recur.autodiff;

import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reverse pass: orders the recorded nodes reachable from the roots so that every node runs
 * after all nodes that consumed its outputs, then runs their backward functions in that order.
 */
public final class Backprop {
    private Backprop() {}

    /** Backpropagates from several roots at once, each with its upstream gradient. */
    public static void run(Var[] roots, Tensor[] seeds) {
        if (roots.length != seeds.length) throw new IllegalArgumentException(roots.length + " roots but " + seeds.length + " seeds");
        List<Node> order = postOrder(roots);
        for (int i = 0; i < roots.length; i++) {
            Var r = roots[i];
            if (!r.requiresGrad()) {
                throw new IllegalStateException("backward from a variable that does not require a gradient"
                        + " (computed with gradients off, or from constants only)");
            }
            if (!Shapes.equal(r.value().shape(), seeds[i].shape())) {
                throw new IllegalArgumentException("seed shape " + Shapes.toString(seeds[i].shape())
                        + " differs from the root's " + Shapes.toString(r.value().shape()));
            }
            addInto(r.gradBuffer(), seeds[i]);
        }
        for (int i = order.size() - 1; i >= 0; i--) {
            Node node = order.get(i);
            Var[] outs = node.recordedOutputs();
            Tensor[] g = new Tensor[outs.length];
            boolean any = false;
            for (int j = 0; j < outs.length; j++) {
                g[j] = outs[j].grad();
                any |= g[j] != null;
            }
            if (any) node.backward(g);
            for (Var o : outs) if (!o.keepsGrad()) o.dropGrad();
        }
    }

    /** Nodes in post-order (producers before consumers), by an iterative depth-first search. */
    private static List<Node> postOrder(Var[] roots) {
        List<Node> order = new ArrayList<>();
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        for (Var r : roots) {
            if (r.creator == null || seen.containsKey(r.creator)) continue;
            seen.put(r.creator, Boolean.TRUE);
            stack.push(new Object[] {r.creator, 0});
            while (!stack.isEmpty()) {
                Object[] top = stack.peek();
                Node n = (Node) top[0];
                int next = (Integer) top[1];
                Var[] in = n.inputs();
                if (next < in.length) {
                    top[1] = next + 1;
                    Var v = in[next];
                    if (v != null && v.creator != null && !seen.containsKey(v.creator)) {
                        seen.put(v.creator, Boolean.TRUE);
                        stack.push(new Object[] {v.creator, 0});
                    }
                } else {
                    stack.pop();
                    order.add(n);
                }
            }
        }
        return order;
    }

    private static void addInto(Tensor dst, Tensor src) {
        Tensor s = src.contiguous();
        float[] d = dst.data(), sv = s.data();
        int n = dst.numel(), dOff = dst.offset(), sOff = s.offset();
        for (int i = 0; i < n; i++) d[dOff + i] += sv[sOff + i];
    }
}
