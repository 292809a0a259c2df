package dev.recur.rnn;

import java.util.Locale;

/** The registered recurrent layer names, and what each needs to build its cell. */
enum CellType {
    RNN_TANH(1), RNN_RELU(1), LSTM(4), GRU(3), INDRNN(1), MGU(2), SLSTM(4);

    final int gates;

    CellType(int gates) {
        this.gates = gates;
    }

    String registryName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static CellType of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
