"""Golden values from PyTorch for Hubel's training machinery: optimisers, learning-rate schedules,
label smoothing and gradient-norm clipping (core/src/test/java/dev/hubel/train/TrainGoldenTest.java).

Regenerate, from the repository root, with Debian's Python (the pyenv python3 on PATH has no torch):

    /usr/bin/python3 core/src/test/python/make_golden_train.py

It writes core/src/test/resources/golden/{optimizers,schedules,label_smoothing,clip_grad_norm}.json.
The output is deterministic (fixed seeds, CPU, float32, one thread, the optimisers' single-tensor
code paths).

An optimiser case holds two parameters, as a small layer has: a weight (3x4) in a group with weight
decay and a bias (4) in a group without it (or with it, where the case decays everything). The
gradients for every step are given, so that the case tests the optimiser alone, and the learning
rate changes half-way, as a schedule would change it.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden")
torch.set_default_dtype(torch.float32)
torch.set_num_threads(1)


def short(v):
    """The shortest decimal that reads back as the same float32 (keeps the files small)."""
    return float(repr(np.float32(v)))


def flat(t):
    return [short(v) for v in t.detach().reshape(-1).tolist()]


def write(file, cases):
    path = os.path.join(OUT, file)
    with open(path, "w") as fh:
        json.dump(cases, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"{path}: {len(cases)} cases, {os.path.getsize(path)} bytes")


# ---- optimisers ----

STEPS = 5
LRS = [0.05, 0.05, 0.05, 0.02, 0.02]  # the rate changes before step 4, as a schedule changes it


def optimizer_case(name, kind, settings, decay_all=False):
    torch.manual_seed(len(name))
    w = torch.randn(3, 4)
    b = torch.randn(4) * 0.5
    grads = [(torch.randn(3, 4), torch.randn(4)) for _ in range(STEPS)]
    pw = w.clone().requires_grad_(True)
    pb = b.clone().requires_grad_(True)
    wd = settings.get("weightDecay", 0.0)
    groups = [{"params": [pw], "weight_decay": wd}, {"params": [pb], "weight_decay": wd if decay_all else 0.0}]
    if kind == "sgd":
        opt = torch.optim.SGD(groups, lr=LRS[0], momentum=settings["momentum"], nesterov=settings["nesterov"],
                              foreach=False)
    elif kind == "adam":
        opt = torch.optim.Adam(groups, lr=LRS[0], betas=(settings["beta1"], settings["beta2"]), eps=settings["epsilon"],
                               foreach=False)
    elif kind == "adamw":
        opt = torch.optim.AdamW(groups, lr=LRS[0], betas=(settings["beta1"], settings["beta2"]), eps=settings["epsilon"],
                                foreach=False)
    elif kind == "rmsprop":
        opt = torch.optim.RMSprop(groups, lr=LRS[0], alpha=settings["alpha"], eps=settings["epsilon"],
                                  momentum=settings["momentum"], centered=settings["centered"], foreach=False)
    else:
        raise ValueError(kind)
    after = []
    for s in range(STEPS):
        for g in opt.param_groups:
            g["lr"] = LRS[s]
        pw.grad = grads[s][0].clone()
        pb.grad = grads[s][1].clone()
        opt.step()
        after.append([flat(pw), flat(pb)])
    return {
        "name": name,
        "kind": kind,
        "settings": settings,
        "decayAll": decay_all,
        "learningRates": LRS,
        "shapes": [[3, 4], [4]],
        "initial": [flat(w), flat(b)],
        "grads": [[flat(gw), flat(gb)] for gw, gb in grads],
        "after": after,
    }


def optimizer_cases():
    sgd = lambda m, n, wd: {"momentum": m, "nesterov": n, "weightDecay": wd}
    adam = lambda wd, b1=0.9, b2=0.999, eps=1e-8: {"beta1": b1, "beta2": b2, "epsilon": eps, "weightDecay": wd}
    rms = lambda m, c, wd, alpha=0.99, eps=1e-8: {"alpha": alpha, "epsilon": eps, "momentum": m, "centered": c, "weightDecay": wd}
    return [
        optimizer_case("sgd plain", "sgd", sgd(0.0, False, 0.0)),
        optimizer_case("sgd momentum 0.9 decay 5e-4", "sgd", sgd(0.9, False, 5e-4)),
        optimizer_case("sgd momentum 0.9 decay 0.1 on biases too", "sgd", sgd(0.9, False, 0.1), decay_all=True),
        optimizer_case("sgd nesterov 0.9 decay 0.01", "sgd", sgd(0.9, True, 0.01)),
        optimizer_case("adam", "adam", adam(0.0)),
        optimizer_case("adam L2 decay 0.01", "adam", adam(0.01)),
        optimizer_case("adam betas 0.5 0.9 eps 1e-3", "adam", adam(0.0, 0.5, 0.9, 1e-3)),
        optimizer_case("adamw decay 0.1", "adamw", adam(0.1)),
        optimizer_case("adamw decay 0.05 on biases too", "adamw", adam(0.05), decay_all=True),
        optimizer_case("rmsprop", "rmsprop", rms(0.0, False, 0.0)),
        optimizer_case("rmsprop momentum 0.9 decay 0.01", "rmsprop", rms(0.9, False, 0.01)),
        optimizer_case("rmsprop centered alpha 0.9", "rmsprop", rms(0.0, True, 0.0, alpha=0.9)),
        optimizer_case("rmsprop centered momentum 0.5 eps 1e-4", "rmsprop", rms(0.5, True, 0.0, eps=1e-4)),
    ]


# ---- learning-rate schedules: the rate each epoch (or step) trains with ----

EPOCHS = 12
BASE = 0.1


def per_epoch(make, metrics=None):
    """The rate of epochs 1..EPOCHS: a training loop trains an epoch, then steps the scheduler."""
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=BASE)
    sched = make(opt)
    rates = []
    for e in range(EPOCHS):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()  # no gradient: nothing moves, but the scheduler sees the order it expects
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[e])
    return rates


def schedule_cases():
    from torch.optim import lr_scheduler as s
    rising = [0.50, 0.61, 0.70, 0.70, 0.705, 0.70, 0.71, 0.72, 0.72, 0.72, 0.72, 0.73]
    stalling = [0.50, 0.60, 0.60, 0.60, 0.60, 0.62, 0.62, 0.62, 0.62, 0.62, 0.62, 0.62]
    losses = [1.0, 0.8, 0.7, 0.71, 0.69, 0.7, 0.7, 0.7, 0.5, 0.5, 0.5, 0.5]
    cases = [
        {"name": "step every 3, gamma 0.1", "kind": "step", "stepSize": 3, "gamma": 0.1,
         "rates": per_epoch(lambda o: s.StepLR(o, 3, 0.1))},
        {"name": "multi-step at 4 and 9, gamma 0.5", "kind": "multi-step", "milestones": [4, 9], "gamma": 0.5,
         "rates": per_epoch(lambda o: s.MultiStepLR(o, [4, 9], 0.5))},
        {"name": "cosine over 12 epochs to 1e-3", "kind": "cosine", "epochs": 12, "minLearningRate": 1e-3,
         "rates": per_epoch(lambda o: s.CosineAnnealingLR(o, 12, 1e-3))},
        {"name": "cosine over 12 epochs to 0", "kind": "cosine", "epochs": 12, "minLearningRate": 0.0,
         "rates": per_epoch(lambda o: s.CosineAnnealingLR(o, 12, 0.0))},
        {"name": "exponential 0.7", "kind": "exponential", "gamma": 0.7,
         "rates": per_epoch(lambda o: s.ExponentialLR(o, 0.7))},
        # "divide by 10 when validation accuracy stops improving"
        {"name": "plateau on val accuracy, patience 1, floor 2e-3", "kind": "plateau", "monitor": "val_accuracy",
         "factor": 0.1, "patience": 1, "minLearningRate": 2e-3, "threshold": 1e-4, "metrics": stalling,
         "rates": per_epoch(lambda o: s.ReduceLROnPlateau(o, "max", 0.1, 1, threshold=1e-4, min_lr=2e-3), stalling)},
        {"name": "plateau on val accuracy, patience 2, rising", "kind": "plateau", "monitor": "val_accuracy",
         "factor": 0.1, "patience": 2, "minLearningRate": 0.0, "threshold": 1e-4, "metrics": rising,
         "rates": per_epoch(lambda o: s.ReduceLROnPlateau(o, "max", 0.1, 2, threshold=1e-4), rising)},
        {"name": "plateau on val accuracy, patience 0", "kind": "plateau", "monitor": "val_accuracy",
         "factor": 0.5, "patience": 0, "minLearningRate": 0.0, "threshold": 1e-4, "metrics": rising,
         "rates": per_epoch(lambda o: s.ReduceLROnPlateau(o, "max", 0.5, 0, threshold=1e-4), rising)},
        {"name": "plateau on val loss, patience 1", "kind": "plateau", "monitor": "val_loss",
         "factor": 0.1, "patience": 1, "minLearningRate": 0.0, "threshold": 1e-2, "metrics": losses,
         "rates": per_epoch(lambda o: s.ReduceLROnPlateau(o, "min", 0.1, 1, threshold=1e-2), losses)},
    ]
    # linear warm-up, stepped every training step: LinearLR's rate for steps 0..14 of a 10-step ramp
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=BASE)
    sched = s.LinearLR(opt, start_factor=0.1, end_factor=1.0, total_iters=10)
    rates = []
    for _ in range(15):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    cases.append({"name": "linear warm-up over 10 steps from 0.1", "kind": "warmup", "steps": 10, "startFactor": 0.1,
                  "rates": rates})
    for c in cases:
        c["base"] = BASE
    return cases


# ---- label smoothing: F.cross_entropy(label_smoothing=eps), mean over the batch ----

def smoothing_case(name, n, k, eps):
    logits = torch.randn(n, k) * 2
    labels = torch.randint(0, k, (n,))
    x = logits.clone().requires_grad_(True)
    loss = F.cross_entropy(x, labels, label_smoothing=eps)
    loss.backward()
    return {"name": name, "n": n, "k": k, "smoothing": eps, "logits": flat(logits), "labels": labels.tolist(),
            "loss": loss.item(), "dlogits": flat(x.grad)}


def smoothing_cases():
    torch.manual_seed(5)
    return [
        smoothing_case("4 rows of 5 classes, 0.1", 4, 5, 0.1),
        smoothing_case("3 rows of 10 classes, 0.2", 3, 10, 0.2),
        smoothing_case("2 rows of 3 classes, 0.5", 2, 3, 0.5),
        smoothing_case("5 rows of 4 classes, none", 5, 4, 0.0),
    ]


# ---- gradient-norm clipping: torch.nn.utils.clip_grad_norm_ over every parameter's gradient ----

def clip_case(name, shapes, max_norm, scale):
    grads = [torch.randn(*s) * scale for s in shapes]
    params = [torch.nn.Parameter(torch.zeros(*s)) for s in shapes]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    total = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return {"name": name, "shapes": [list(s) for s in shapes], "maxNorm": max_norm, "grads": [flat(g) for g in grads],
            "totalNorm": total.item(), "clipped": [flat(p.grad) for p in params]}


def clip_cases():
    torch.manual_seed(6)
    return [
        clip_case("norm 10ish clipped to 1", [(3, 4), (4,), (2, 2, 3)], 1.0, 1.5),
        clip_case("norm below the limit is kept", [(5,), (2, 3)], 100.0, 1.0),
        clip_case("one tensor clipped to 0.5", [(7,)], 0.5, 1.0),
    ]


def main():
    os.makedirs(OUT, exist_ok=True)
    write("optimizers.json", optimizer_cases())
    write("schedules.json", schedule_cases())
    write("label_smoothing.json", smoothing_cases())
    write("clip_grad_norm.json", clip_cases())


if __name__ == "__main__":
    main()
