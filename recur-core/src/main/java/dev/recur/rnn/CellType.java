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

    /**
     * The cell for a hidden size, output width (the LSTM projection, else the hidden size), number of
     * recurrence heads, GRU form and Elman/IndRNN nonlinearity.
     */
    Cell create(int hidden, int out, int heads, boolean resetAfter, boolean relu) {
        Recurrence.Kind kind = this == INDRNN ? Recurrence.Kind.DIAGONAL : heads > 1 ? Recurrence.Kind.HEADS : Recurrence.Kind.DENSE;
        Recurrence rec = new Recurrence(kind, hidden, heads, out);
        return switch (this) {
            case RNN_TANH -> new ElmanCell(hidden, false, rec);
            case RNN_RELU -> new ElmanCell(hidden, true, rec);
            case INDRNN -> new ElmanCell(hidden, relu, rec);
            case LSTM -> new LstmCell(hidden, out, out != hidden, rec);
            case GRU -> new GruCell(hidden, resetAfter, rec);
            case MGU -> new MguCell(hidden, rec);
            case SLSTM -> new SlstmCell(hidden, rec);
        };
    }

    static CellType of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
