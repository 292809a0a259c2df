package dev.recur.data;

import dev.recur.io.FileAccessException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A whole UTF-8 text file; bytes that are not UTF-8 are an error naming the byte offset. */
public final class TextFile {
    private TextFile() {}

    public static String read(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new FileAccessException(path, "read", e);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            int at = 0;
            var dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
            // find the first bad byte for the message: decode growing prefixes of complete lines would be slow; scan sequences
            for (int i = 0; i < bytes.length; ) {
                int b = bytes[i] & 0xff, len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
                if (len == 0 || i + len > bytes.length) { at = i; break; }
                try {
                    dec.reset().decode(ByteBuffer.wrap(bytes, i, len));
                } catch (CharacterCodingException bad) {
                    at = i;
                    break;
                }
                i += len;
            }
            throw new DataException(path.toString(), "not UTF-8 text (bad byte at offset " + at + ")");
        }
    }
}
