#!/usr/bin/python3
"""Extra reference cases beside the shared default set: batch 1 over long sequences, a projected
bidirectional 3-layer LSTM, a batch-first bidirectional tanh RNN. Uses make_case from
make_torch_rnn_cases.py (copied here unchanged). Usage: make_more_rnn_cases.py OUT_DIR"""
import sys
from make_torch_rnn_cases import make_case

out = sys.argv[1]
make_case(out, "lstm_batch1_long", "LSTM", 4, 16, 1, False, 1, 200, seed=101)
make_case(out, "gru_batch1_long", "GRU", 4, 16, 1, False, 1, 200, seed=102)
make_case(out, "lstm_proj_bidir_3layer", "LSTM", 6, 9, 3, True, 4, 8, proj=5, seed=103)
make_case(out, "rnn_tanh_bidir_batchfirst", "RNN", 5, 6, 2, True, 3, 10, batch_first=True, seed=104)
