package dev.recur.rnn;

import dev.recur.autodiff.GradMode;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerRegistry;
import dev.recur.layer.LayerState;
import dev.recur.layer.SequenceLayer;
import dev.recur.layer.SequenceOutput;
import dev.recur.nn.Parameter;
import dev.recur.ops.Shape;
import dev.recur.random.Rng;
import dev.recur.tensor.Shapes;
import dev.recur.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every PyTorch reference case: outputs, final states and the gradients of sum(y · dy) for every
 * weight, the input and the initial states, within each case's tolerance (|a − r| <= atol + rtol |r|).
 */
class TorchParityTest {
    static String[] cases() {
        return TorchCase.NAMES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(String name) {
        TorchCase c = TorchCase.load(name);
        SequenceLayer layer = LayerRegistry.create(c.layerConfig(), new Rng(1));
        layer.loadStateDict(c.safetensors("weights.safetensors"), true, name);
        boolean batchFirst = c.flag("batch_first");
        boolean lstm = c.module().equals("LSTM");
        Var x = Var.leaf(c.npy("x.npy"));
        Var h0 = Var.leaf(c.npy("h0.npy"));
        Var c0 = lstm ? Var.leaf(c.npy("c0.npy")) : null;
        Map<String, Var> s0 = new LinkedHashMap<>();
        s0.put("h", h0);
        if (lstm) s0.put("c", c0);
        SequenceOutput out;
        try (var on = GradMode.on()) {
            out = layer.forward(batchFirst ? Shape.timeMajor(x) : x, null, new LayerState(s0));
        }
        Var y = batchFirst ? Shape.batchMajor(out.output()) : out.output();
        double rtol = c.tol("rtol"), atol = c.tol("atol");
        close(name + " y", c.npy("y.npy"), y.value(), rtol, atol);
        close(name + " hn", c.npy("hn.npy"), out.state().get("h").value(), rtol, atol);
        if (lstm) close(name + " cn", c.npy("cn.npy"), out.state().get("c").value(), rtol, atol);

        y.backward(c.npy("dy.npy"));
        close(name + " dx", c.npy("dx.npy"), x.grad(), rtol, atol);
        close(name + " dh0", c.npy("dh0.npy"), h0.grad(), rtol, atol);
        if (lstm) close(name + " dc0", c.npy("dc0.npy"), c0.grad(), rtol, atol);
        Map<String, Tensor> grads = c.safetensors("grads.safetensors");
        Map<String, Parameter> params = layer.namedParameters();
        assertEquals(grads.keySet(), params.keySet(), name + ": parameter names");
        for (var e : grads.entrySet()) close(name + " d" + e.getKey(), e.getValue(), params.get(e.getKey()).grad(), rtol, atol);
    }

    @org.junit.jupiter.api.Test
    void exportWritesPyTorchsKeysAndValues(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        TorchCase c = TorchCase.load("lstm_proj_bidir_3layer");
        Map<String, Tensor> weights = c.safetensors("weights.safetensors");
        var spec = new TorchInterop.Spec("lstm", c.integer("input_size"), c.integer("hidden_size"), c.integer("num_layers"), true, false,
                c.integer("proj_size"));
        ClassicLayer layer = TorchInterop.load(spec, weights, c.name());
        java.nio.file.Path out = dir.resolve("exported.safetensors");
        TorchInterop.export(layer, out);
        Map<String, Tensor> back = dev.recur.io.safetensors.Safetensors.read(out);
        assertEquals(new java.util.TreeSet<>(weights.keySet()), new java.util.TreeSet<>(back.keySet()));
        for (var e : weights.entrySet()) close("exported " + e.getKey(), e.getValue(), back.get(e.getKey()), 0, 0);
    }

    @org.junit.jupiter.api.Test
    void unbatchedInputRunsAsABatchOfOne() {
        TorchCase c = TorchCase.load("lstm_batch1_long");
        var spec = new TorchInterop.Spec("lstm", c.integer("input_size"), c.integer("hidden_size"), 1, false, false, 0);
        var model = new TorchInterop.Model(TorchInterop.load(spec, c.safetensors("weights.safetensors"), c.name()), false);
        Tensor x = c.npy("x.npy"), h0 = c.npy("h0.npy"), c0 = c.npy("c0.npy");
        TorchInterop.Outputs batched = model.run(x, h0, c0);
        TorchInterop.Outputs single = model.run(x.select(1, 0).contiguous(), h0.select(1, 0).contiguous(), c0.select(1, 0).contiguous());
        close("unbatched y", batched.y().select(1, 0).contiguous(), single.y(), 0, 0);
        close("unbatched hn", batched.hn().select(1, 0).contiguous(), single.hn(), 0, 0);
        close("unbatched cn", batched.cn().select(1, 0).contiguous(), single.cn(), 0, 0);
        close("y", c.npy("y.npy"), batched.y(), c.tol("rtol"), c.tol("atol"));
    }

    static void close(String what, Tensor expected, Tensor actual, double rtol, double atol) {
        assertTrue(actual != null, what + ": no value");
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape " + Shapes.toString(actual.shape()));
        float[] e = expected.contiguous().toArray(), a = actual.contiguous().toArray();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]))) {
                throw new AssertionError(what + ": element " + i + " is " + a[i] + ", PyTorch gives " + e[i]);
            }
        }
    }
}
