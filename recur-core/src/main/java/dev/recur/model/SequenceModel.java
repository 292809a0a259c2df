package dev.recur.model;

import dev.recur.ConfigException;
import dev.recur.autodiff.Var;
import dev.recur.layer.LayerConfig;
import dev.recur.layer.LayerState;
import dev.recur.layer.Lengths;
import dev.recur.layer.SequenceOutput;
import dev.recur.layer.StepOutput;
import dev.recur.nn.Embedding;
import dev.recur.nn.Init;
import dev.recur.nn.LayerNorm;
import dev.recur.nn.Linear;
import dev.recur.nn.Module;
import dev.recur.ops.MatMul;
import dev.recur.ops.Shape;
import dev.recur.random.Rng;
import dev.recur.tensor.ShapeException;

import java.util.ArrayList;
import java.util.List;

/**
 * A whole model: an input adapter (a linear map of real features, or a token embedding) to the
 * width, a stack of {@link Block}s around registry layers, a final norm, and a linear head.
 * Sequences are time-major, (T, B, ...). Heads that classify or regress a whole sequence read the
 * last step; the next-token head reads every step. A tied head ({@link ModelConfig#tie()}) is the
 * transpose of the embedding. With {@link ModelConfig#positions()} above 0, a learned embedding of
 * each step's absolute position is added to the input (whole sequences only: the streaming
 * methods refuse such a model, since a chunk does not know where it starts).
 */
public final class SequenceModel extends Module {
    private final ModelConfig config;
    private final Linear inputProj;
    private final Embedding embed;
    private final Embedding positionEmbed;
    private final List<Block> blocks = new ArrayList<>();
    private final LayerNorm finalNorm;
    private final Linear head;

    public SequenceModel(ModelConfig config, Rng rng) {
        this.config = config;
        int w = config.width();
        if (config.input().kind().equals("real")) {
            inputProj = child("input_proj", new Linear(config.input().size(), w, rng));
            embed = null;
        } else {
            embed = child("embed", new Embedding(config.input().size(), w, rng));
            // a tied head scores h · e_v with h the final norm's output (length ~ sqrt(W)): unit-variance
            // embeddings would start with logits of size ~ sqrt(W) and a loss far above chance, so
            // tied embeddings start at variance 1/W (logits ~ N(0, 1))
            if (config.tie()) Init.normal(embed.weight().value(), 0, 1 / Math.sqrt(w), rng);
            inputProj = null;
        }
        if (config.positions() > 0) {
            // the scale of the tied token embedding, so that neither term swamps the other at the start
            positionEmbed = child("pos_embed", new Embedding(config.positions(), w, rng));
            Init.normal(positionEmbed.weight().value(), 0, 1 / Math.sqrt(w), rng);
        } else {
            positionEmbed = null;
        }
        Module stack = child("blocks", new Stack());
        int size = w;
        for (int i = 0; i < config.blocks().size(); i++) {
            LayerConfig lc = config.blocks().get(i);
            if (lc.inputSize() != size) lc = new LayerConfig(lc.name(), size, lc.hiddenSize(), lc.options());
            Block b = ((Stack) stack).add(new Block(lc, config, rng));
            blocks.add(b);
            size = b.outputSize();
        }
        finalNorm = config.norm() ? child("norm_f", new LayerNorm(size)) : null;
        if (config.tie() && size != w) throw new ConfigException("tie=true needs the last block's width " + size + " to equal the embedding's " + w);
        head = config.tie() ? null : child("head", new Linear(size, config.head().outputs(), rng));
    }

    /** Holds the blocks under the names 0, 1, ... so that weights are {@code blocks.<i>.mixer.<name>}. */
    private static final class Stack extends Module {
        private int n;

        Block add(Block b) {
            return child(Integer.toString(n++), b);
        }
    }

    public ModelConfig config() {
        return config;
    }

    /** Real-valued input (T, B, features) to head outputs: (B, K) for sequence heads, (T, B, K) for next-token. */
    public Var forward(Var x, Lengths lengths) {
        if (inputProj == null) throw new ShapeException("this model reads token ids, not real-valued features");
        if (x.rank() != 3 || x.dim(2) != config.input().size()) {
            throw new ShapeException("model input must be (T, B, " + config.input().size() + "), found " + dev.recur.tensor.Shapes.toString(x.shape()));
        }
        return outputs(body(positioned(inputProj.forward(x)), lengths));
    }

    /** Token ids, time-major ({@code tokens[t * batch + b]}), to head outputs. */
    public Var forwardTokens(int[] tokens, int steps, int batch) {
        if (embed == null) throw new ShapeException("this model reads real-valued features, not token ids");
        return outputs(body(positioned(embed.forward(tokens, new int[] {steps, batch})), null));
    }

    /**
     * Token ids to the next-token head's outputs at the given flat positions only
     * ({@code positions[i] = t * batch + b}), as (positions, K). Tasks that supervise a few
     * positions of a long sequence (MQAR's queries, selective copying's recalls) gather those hidden
     * states before the head: with a vocabulary of 8192 the full (T, B, V) logits would dominate a
     * step's time and memory while all but a few of them are ignored by the loss.
     */
    public Var forwardTokensAt(int[] tokens, int steps, int batch, int[] positions) {
        if (embed == null) throw new ShapeException("this model reads real-valued features, not token ids");
        if (!config.head().kind().equals("next_token")) {
            throw new ShapeException("outputs at chosen positions need a next_token head, this model has " + config.head().kind());
        }
        Var h = body(positioned(embed.forward(tokens, new int[] {steps, batch})), null);
        Var flat = Shape.reshape(h, steps * batch, h.dim(2));
        return head(dev.recur.ops.Embedding.embedding(flat, positions, new int[] {positions.length}));
    }

    /**
     * Token ids to next-token outputs, starting from and updating the blocks' {@code states} (one
     * per block, null for zero), so that a long text can be read in chunks.
     */
    public Var forwardTokens(int[] tokens, int steps, int batch, List<LayerState> states) {
        if (embed == null) throw new ShapeException("this model reads real-valued features, not token ids");
        refuseStreaming();
        Var h = embed.forward(tokens, new int[] {steps, batch});
        for (int i = 0; i < blocks.size(); i++) {
            SequenceOutput o = blocks.get(i).forward(h, null, states.get(i));
            states.set(i, o.state().detach());
            h = o.output();
        }
        return outputs(finalNorm == null ? h : finalNorm.forward(h));
    }

    /** The input (T, B, W) plus the learned embedding of each step's position, when the model has one. */
    private Var positioned(Var h) {
        if (positionEmbed == null) return h;
        int steps = h.dim(0), batch = h.dim(1);
        if (steps > positionEmbed.num()) {
            throw new ShapeException("this model's learned positions cover " + positionEmbed.num() + " steps, the input has " + steps);
        }
        int[] at = new int[steps * batch];
        for (int t = 0; t < steps; t++) java.util.Arrays.fill(at, t * batch, (t + 1) * batch, t);
        return dev.recur.ops.Arith.add(h, positionEmbed.forward(at, new int[] {steps, batch}));
    }

    private void refuseStreaming() {
        if (positionEmbed != null) {
            throw new dev.recur.ConfigException("a model with learned positions (positions=" + positionEmbed.num()
                    + ") reads whole sequences only: streaming and step-by-step generation are not supported");
        }
    }

    private Var body(Var h, Lengths lengths) {
        for (Block b : blocks) h = b.forward(h, lengths, null).output();
        return finalNorm == null ? h : finalNorm.forward(h);
    }

    private Var outputs(Var h) {
        if (!config.head().kind().equals("next_token")) h = Shape.select(h, 0, h.dim(0) - 1);
        return head(h);
    }

    /** The head's outputs of final hidden states (..., W): its own linear map, or the embedding's transpose when tied. */
    private Var head(Var h) {
        return head != null ? head.forward(h) : MatMul.linear(h, embed.weight(), null);
    }

    /** The streaming state of every block, for {@link #stepTokens}. */
    public List<LayerState> zeroState(int batch) {
        List<LayerState> s = new ArrayList<>();
        for (Block b : blocks) s.add(b.zeroState(batch));
        return s;
    }

    /** One step of token input (B ids) to head outputs (B, K); {@code states} is updated in place. */
    public Var stepTokens(int[] tokens, List<LayerState> states) {
        if (embed == null) throw new ShapeException("this model reads real-valued features, not token ids");
        refuseStreaming();
        Var h = embed.forward(tokens, new int[] {tokens.length});
        for (int i = 0; i < blocks.size(); i++) {
            StepOutput o = blocks.get(i).step(h, states.get(i));
            states.set(i, o.state());
            h = o.output();
        }
        return head(finalNorm == null ? h : finalNorm.forward(h));
    }
}
