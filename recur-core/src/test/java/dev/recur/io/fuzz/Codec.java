package dev.recur.io.fuzz;

/**
 * How a file format splits into a fixed prefix, a text header and binary data, so that the fuzzer
 * can mutate the header text and then write a length field that agrees with it: without that, most
 * header mutations would only ever reach the first length check.
 */
public interface Codec {
    record Parts(byte[] prefix, byte[] text, byte[] data) {}

    /** The parts of a well-formed seed, or null if it does not split. */
    Parts split(byte[] file);

    /** The file with a length field that matches {@code parts.text()}. */
    byte[] join(Parts parts);
}
