#!/usr/bin/python3
"""PyTorch's side of the recurrent-layer comparison (dev.recur.bench.rnn.RnnBench measures the same):
training tokens/s (forward, backward, AdamW on a linear softmax head of 64 classes), inference tokens/s
(no_grad), streaming steps/s at batch 1 (one nn.LSTM/nn.GRU call per step, state carried), for LSTM and
GRU at B=32 T=128 input 64, hidden 256 and 1024, with 1 and 2 threads. One JSON object per line.

Usage: torch_rnn.py [SECONDS_PER_FIGURE] [THREADS,...]   (Debian's python3-torch)
"""
import json, resource, sys, time
import torch

CLASSES = 64


def per_call(fn, seconds):
    end = time.perf_counter() + seconds * 0.3
    n = 0
    while n < 2 or time.perf_counter() < end:
        fn(); n += 1
    n, start, cpu0 = 0, time.perf_counter(), time.process_time()
    while n < 3 or time.perf_counter() - start < seconds:
        fn(); n += 1
    return (time.perf_counter() - start) / n, (time.process_time() - cpu0) / n


def module(arch, I, H):
    torch.manual_seed(0)
    return (torch.nn.LSTM if arch == "lstm" else torch.nn.GRU)(I, H)


def train(arch, B, T, I, H, seconds):
    rnn, head = module(arch, I, H), torch.nn.Linear(H, CLASSES)
    opt = torch.optim.AdamW(list(rnn.parameters()) + list(head.parameters()), lr=1e-3)
    x = torch.randn(T, B, I)
    y = torch.randint(0, CLASSES, (T * B,))
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        out, _ = rnn(x)
        loss = loss_fn(head(out).reshape(T * B, CLASSES), y)
        loss.backward()
        opt.step()
        opt.zero_grad()
    wall, cpu = per_call(step, seconds)
    return B * T / wall, B * T / cpu


def infer(arch, B, T, I, H, seconds):
    rnn = module(arch, I, H).eval()
    x = torch.randn(T, B, I)

    def run():
        with torch.no_grad():
            rnn(x)
    wall, cpu = per_call(run, seconds)
    return B * T / wall, B * T / cpu


def stream(arch, I, H, seconds):
    rnn = module(arch, I, H).eval()
    x = torch.randn(1, 1, I)
    state = [None]
    inner = 100

    def run():
        with torch.no_grad():
            for _ in range(inner):
                _, state[0] = rnn(x, state[0])
    wall, cpu = per_call(run, seconds)
    return inner / wall, inner / cpu


if __name__ == "__main__":
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3
    threads = [int(t) for t in sys.argv[2].split(",")] if len(sys.argv) > 2 else [1, 2]
    B, T, I = 32, 128, 64
    for n in threads:
        torch.set_num_threads(n)
        for arch in ("lstm", "gru"):
            for H in (256, 1024):
                for kind, fn in (("train", train), ("infer", infer)):
                    r = fn(arch, B, T, I, H, seconds)
                    print(json.dumps({"peer": "pytorch " + torch.__version__, "threads": n, "arch": arch, "kind": kind, "batch": B,
                                      "steps": T, "input": I, "hidden": H, "per_second": round(r[0], 1), "per_cpu_second": round(r[1], 1),
                                      "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}), flush=True)
            r = stream(arch, I, 256, seconds)
            print(json.dumps({"peer": "pytorch " + torch.__version__, "threads": n, "arch": arch, "kind": "stream", "batch": 1,
                              "steps": 1, "input": I, "hidden": 256, "per_second": round(r[0], 1), "per_cpu_second": round(r[1], 1)}), flush=True)
