# Generates the PyTorch reference values embedded in dev.recur.loss.TorchLossReference (run with /usr/bin/python3).
import torch, math, torch.nn.functional as F
torch.set_default_dtype(torch.float64)
def seq(n, a=0.37, b=0.1, s=2.5):
    return torch.tensor([math.sin(a*i+b)*s for i in range(n)])
def fmt(t):
    return "{" + ", ".join(repr(float(v)) for v in t.flatten().tolist()) + "}"
x = seq(20).reshape(4,5).requires_grad_()
out = []
def case(name, loss):
    if x.grad is not None: x.grad = None
    loss.backward()
    out.append(f"// {name}\nstatic final double {name}_LOSS = {float(loss)!r};\nstatic final double[] {name}_GRAD = {fmt(x.grad)};")
t = torch.tensor([1, -100, 4, 0])
case("CE_MEAN", F.cross_entropy(x, t))
w = torch.tensor([0.5, 1, 2, 1, 0.25])
case("CE_WEIGHTED_SMOOTH", F.cross_entropy(x, t, weight=w, label_smoothing=0.1))
case("CE_SUM_SMOOTH", F.cross_entropy(x, torch.tensor([1,2,4,0]), label_smoothing=0.2, reduction='sum'))
tm = torch.tensor([1,3,4,0])
case("WW_MEAN", F.multi_margin_loss(x, tm, p=2, margin=1.0))
y = 2*F.one_hot(tm, 5).double()-1
case("OVR_MEAN", (torch.clamp(1 - y*x, min=0)**2).sum(1).mean())
case("OVR_TF", (torch.clamp(1 - y*x, min=0)**2).mean())
p = seq(12, 0.53, 0.3, 1.5).reshape(3,4).requires_grad_()
q = seq(12, 0.29, 1.1, 1.2).reshape(3,4)
for name, fn in [("MSE", F.mse_loss), ("L1", F.l1_loss), ("HUBER", lambda a,b: F.huber_loss(a,b,delta=0.7))]:
    p.grad = None
    l = fn(p, q); l.backward()
    out.append(f"static final double {name}_LOSS = {float(l)!r};\nstatic final double[] {name}_GRAD = {fmt(p.grad)};")
print("\n".join(out))
print("// torch", torch.__version__)
