# Generates the PyTorch reference values embedded in dev.recur.optim.TorchOptimReference (run with /usr/bin/python3).
# Two parameters with closed-form initial values receive closed-form gradients for 5 steps; a third
# never receives a gradient (it must stay untouched and get no state). float32 throughout.
import math, torch
def seq(n, a, b, s):
    return torch.tensor([math.sin(a * i + b) * s for i in range(n)], dtype=torch.float32)
def fmt(t):
    return "{" + ", ".join(repr(float(v)) + "f" for v in t.flatten().tolist()) + "}"
def run(make):
    p1 = seq(6, 0.7, 0.2, 1.3).reshape(2, 3).requires_grad_()
    p2 = seq(4, 1.1, -0.4, 0.8).requires_grad_()
    p3 = seq(3, 0.5, 0.0, 1.0).requires_grad_()
    opt = make([p1, p2, p3])
    for k in range(5):
        p1.grad = seq(6, 0.9, 0.3 * k, 0.6 + 0.1 * k).reshape(2, 3)
        p2.grad = seq(4, 0.4, 1.0 - 0.2 * k, 1.5 - 0.2 * k)
        opt.step()
    return torch.cat([p1.detach().flatten(), p2.detach().flatten(), p3.detach().flatten()])
S = torch.optim
cases = {
    "SGD": lambda p: S.SGD(p, lr=0.1),
    "SGD_MOMENTUM": lambda p: S.SGD(p, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01),
    "SGD_NESTEROV": lambda p: S.SGD(p, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.02),
    "ADAM": lambda p: S.Adam(p, lr=0.01),
    "ADAM_L2_AMSGRAD": lambda p: S.Adam(p, lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=True),
    "ADAMW": lambda p: S.AdamW(p, lr=0.01, weight_decay=0.1),
    "ADAMW_AMSGRAD": lambda p: S.AdamW(p, lr=0.03, betas=(0.85, 0.995), eps=1e-7, weight_decay=0.05, amsgrad=True),
}
for name, make in cases.items():
    print(f"static final float[] {name} = {fmt(run(make))};")
g1 = seq(6, 0.9, 0.0, 0.6).reshape(2, 3); g2 = seq(4, 0.4, 1.0, 1.5)
a = torch.zeros(2, 3, requires_grad=True); b = torch.zeros(4, requires_grad=True)
a.grad = g1.clone(); b.grad = g2.clone()
n = torch.nn.utils.clip_grad_norm_([a, b], 0.5)
print(f"static final double CLIP_NORM = {float(n)!r};")
print(f"static final float[] CLIPPED = {fmt(torch.cat([a.grad.flatten(), b.grad.flatten()]))};")
