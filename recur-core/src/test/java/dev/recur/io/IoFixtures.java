package dev.recur.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test fixtures under src/test/resources/dev/recur/io and builders for hand-made files. */
public final class IoFixtures {
    /** The PyTorch reference cases copied from /work/shared/reference/torch_rnn_cases. */
    public static final List<String> TORCH_CASES = List.of("gru_1layer", "gru_2layer_bidir_batchfirst", "lstm_1layer",
            "lstm_2layer_bidir", "lstm_proj", "rnn_relu_1layer", "rnn_tanh_2layer");

    private IoFixtures() {}

    /** A fixture file by its path relative to dev/recur/io in the test resources. */
    public static Path resource(String relative) {
        URL url = IoFixtures.class.getResource("/dev/recur/io/" + relative);
        if (url == null) throw new IllegalArgumentException("no test resource " + relative);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A safetensors file with this header text (unpadded, length as given) and data bytes 0, 1, 2, ... */
    public static byte[] safetensors(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (int i = 0; i < dataBytes; i++) b.put((byte) i);
        return b.array();
    }

    /** Asserts that the failure message names the source and contains every expected fragment. */
    public static void assertMessage(RuntimeException e, String source, String... fragments) {
        String m = e.getMessage();
        assertTrue(m.startsWith(source + ": "), () -> "message does not start with the source '" + source + "': " + m);
        for (String f : fragments) assertTrue(m.contains(f), () -> "message lacks '" + f + "': " + m);
        assertTrue(!m.contains("\n"), () -> "message is not one line: " + m);
    }
}
