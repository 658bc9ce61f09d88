#!/usr/bin/env python3
"""PyTorch mirrors of tenlab's training steps, to time beside `tenlab bench`.

Each mirror builds the lab's network at its defaults (the same layers and sizes: the
parameter count printed must equal the one `tenlab bench` prints), its optimizer, batch and
sequence lengths, and steps it on data of the lab's shape, reading the loss back every step
as tenlab does. Host work that tenlab's step does (drawing a batch, shifting images, drawing
noise) is done here too, with torch on the CPU.

    python tests/reference/mirrors.py --lab cnn --threads 2 --warmup 3 --secs 10

prints one JSON line: lab, steps/s, samples/s, parameters, cores busy, peak MiB.
`--variant` picks a lab's second setting where tenlab's bench measures one (`--set`).
`--device cuda` runs the same step on an NVIDIA GPU (every tensor and module is made there;
the loss read back each step is then also the step's one GPU-to-host sync).
"""

import argparse
import json
import math
import os
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def count(*modules):
    return sum(p.numel() for m in modules for p in m.parameters())


def adam(params, lr, betas=(0.9, 0.999)):
    # Burn's Adam: eps 1e-5, no weight decay.
    return torch.optim.Adam(params, lr=lr, betas=betas, eps=1e-5)


def clip_each(params, max_norm):
    """Burn's gradient clipping by norm: each parameter's gradient by its own norm."""
    for p in params:
        if p.grad is not None:
            torch.nn.utils.clip_grad_norm_([p], max_norm)


def he_uniform_(w, fan_in):
    lim = math.sqrt(6.0 / fan_in)
    with torch.no_grad():
        w.uniform_(-lim, lim)


# ---------------------------------------------------------------------------------------
# Data of the labs' shapes


class Images:
    """`n` MNIST-shaped images (1x28x28 in [0, 1]) and labels; batches drawn at random."""

    def __init__(self, n=20_000, side=28):
        # Drawn on the CPU (the same numbers on any device), then kept where the step runs.
        g = torch.Generator().manual_seed(1)
        self.x = torch.rand(n, 1, side, side, generator=g, device="cpu").to(torch.get_default_device())
        self.y = torch.randint(0, 10, (n,), generator=g, device="cpu").to(torch.get_default_device())

    def batch(self, b, shift=False):
        idx = torch.randint(0, self.x.shape[0], (b,))
        x = self.x[idx]
        if shift:
            # tenlab: each image moved by -2..2 pixels in x and y, zeros shifted in.
            padded = F.pad(x, (2, 2, 2, 2))
            dx = torch.randint(0, 5, (b,))
            dy = torch.randint(0, 5, (b,))
            x = torch.stack([padded[i, :, dy[i]:dy[i] + 28, dx[i]:dx[i] + 28] for i in range(b)])
        return x, self.y[idx]


# ---------------------------------------------------------------------------------------
# The labs


def mlp():
    """2-D circle: 2 -> 8 -> 8 -> 8 -> 2, tanh, Adam 0.01, batch 16 of 350 training points."""
    net = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 2))
    opt = adam(net.parameters(), 0.01)
    x = torch.randn(350, 2)
    y = torch.randint(0, 2, (350,))

    def step():
        idx = torch.randint(0, 350, (16,))
        loss = F.cross_entropy(net(x[idx]), y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    return count(net), step, 16


def cnn():
    """MNIST: two blocks of 16 5x5 convolutions (same padding), ReLU, 2x2 max pooling; dense
    64; 10 classes. Adam 1e-3, batch 128."""
    net = nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10),
    )
    opt = adam(net.parameters(), 1e-3)
    data = Images()

    def step():
        x, y = data.batch(128)
        loss = F.cross_entropy(net(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    return count(net), step, 128


class PreActBlock(nn.Module):
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(c_in)
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
        self.proj = nn.Conv2d(c_in, c_out, 1, stride, 0, bias=False) if (c_in != c_out or stride != 1) else None

    def forward(self, x):
        a = F.relu(self.bn1(x))
        y = self.conv2(F.relu(self.bn2(self.conv1(a))))
        return y + (self.proj(a) if self.proj is not None else x)


class ResNet(nn.Module):
    """Stem 3x3 stride 2 (28 -> 14), 4 pre-activation blocks (16, 16, 32 stride 2, 32),
    batch norm and ReLU, global average pooling, linear 32 -> 10."""

    def __init__(self, w=16, blocks=4):
        super().__init__()
        self.stem = nn.Conv2d(1, w, 3, 2, 1, bias=False)
        half = (blocks + 1) // 2
        layers = []
        for i in range(blocks):
            if i < half:
                layers.append(PreActBlock(w, w, 1))
            elif i == half:
                layers.append(PreActBlock(w, 2 * w, 2))
            else:
                layers.append(PreActBlock(2 * w, 2 * w, 1))
        self.blocks = nn.Sequential(*layers)
        out = 2 * w if blocks > half else w
        self.bn = nn.BatchNorm2d(out)
        self.head = nn.Linear(out, 10)

    def forward(self, x):
        x = F.relu(self.bn(self.blocks(self.stem(x))))
        return self.head(x.mean(dim=(2, 3)))


def resnet():
    net = ResNet()
    opt = adam(net.parameters(), 1e-3)
    data = Images()
    grads_every = 5
    steps = [0]

    def step():
        x, y = data.batch(64, shift=True)
        loss = F.cross_entropy(net(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if steps[0] % grads_every == 0:
            # tenlab records every main-path convolution's gradient norm every 5 steps.
            convs = [net.stem] + [c for b in net.blocks for c in (b.conv1, b.conv2)]
            [c.weight.grad.norm().item() for c in convs]
        steps[0] += 1
        opt.step()
        return loss.item()

    return count(net), step, 64


class LstmDigits(nn.Module):
    """The article's LSTM(128) reading a digit row by row (28 steps of 28 pixels), a dense
    layer on the last hidden state."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 128, batch_first=True)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


class LstmChars(nn.Module):
    """Character model: embedding to 128, LSTM(128), a dense layer to the vocabulary."""

    def __init__(self, vocab):
        super().__init__()
        self.embed = nn.Embedding(vocab, 128)
        self.lstm = nn.LSTM(128, 128, batch_first=True)
        self.head = nn.Linear(128, vocab)

    def forward(self, x):
        out, _ = self.lstm(self.embed(x))
        return self.head(out)


def lstm(variant):
    if variant == "text":
        vocab, seq = VOCAB_MOBY, 100
        net = LstmChars(vocab)
        text = torch.randint(0, vocab, (1_000_000,))
    else:
        net = LstmDigits()
        data = Images()
    opt = adam(net.parameters(), 2e-3)
    params = list(net.parameters())

    def step():
        if variant == "text":
            starts = torch.randint(0, text.shape[0] - seq - 1, (64,))
            w = torch.stack([text[s:s + seq + 1] for s in starts.tolist()])
            logits = net(w[:, :-1])
            loss = F.cross_entropy(logits.reshape(-1, vocab), w[:, 1:].reshape(-1))
        else:
            x, y = data.batch(64)
            loss = F.cross_entropy(net(x.reshape(64, 28, 28)), y)
        value = loss.item()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        clip_each(params, 5.0)
        opt.step()
        return value

    return count(net), step, 64


# Characters in Moby Dick's vocabulary as tenlab builds it (`tenlab bench --lab lstm --set
# task=text` prints the parameter count, from which this follows).
VOCAB_MOBY = 84


class Seq2Seq(nn.Module):
    """Encoder-decoder, pre-norm, GELU, no dropout: 2 + 2 layers, d 128, 4 heads, d_ff 512,
    sinusoidal positions, tokens scaled by sqrt(d)."""

    def __init__(self, vocab=13, d=128, heads=4, ff=512, layers=2):
        super().__init__()
        self.d = d
        self.embed = nn.Embedding(vocab, d)
        self.core = nn.Transformer(
            d_model=d, nhead=heads, num_encoder_layers=layers, num_decoder_layers=layers,
            dim_feedforward=ff, dropout=0.0, activation="gelu", batch_first=True, norm_first=True,
        )
        self.head = nn.Linear(d, vocab)

    def positions(self, n):
        pos = torch.arange(n).unsqueeze(1)
        k = torch.arange(0, self.d, 2)
        w = torch.exp(-math.log(10_000.0) * k / self.d)
        pe = torch.zeros(n, self.d)
        pe[:, 0::2] = torch.sin(pos * w)
        pe[:, 1::2] = torch.cos(pos * w)
        return pe

    def forward(self, src, src_pad, tgt):
        scale = math.sqrt(self.d)
        s = self.embed(src) * scale + self.positions(src.shape[1])
        t = self.embed(tgt) * scale + self.positions(tgt.shape[1])
        mask = nn.Transformer.generate_square_subsequent_mask(tgt.shape[1], device=tgt.device)
        out = self.core(s, t, tgt_mask=mask, src_key_padding_mask=src_pad, memory_key_padding_mask=src_pad, tgt_is_causal=True)
        return self.head(out)


def transformer():
    """Reverse digit strings of 8 to 16 digits; batch 64, Adam 1e-3."""
    net = Seq2Seq()
    opt = adam(net.parameters(), 1e-3)
    PAD, BOS, EOS = 0, 1, 2

    def step():
        b = 64
        lens = torch.randint(8, 17, (b,))
        s = int(lens.max())
        t = s + 1
        src = torch.full((b, s), PAD)
        pad = torch.ones(b, s, dtype=torch.bool)
        inp = torch.full((b, t), PAD)
        out = torch.full((b, t), PAD)
        w = torch.zeros(b, t)
        for i, n in enumerate(lens.tolist()):
            digits = torch.randint(3, 13, (n,))
            src[i, :n] = digits
            pad[i, :n] = False
            rev = digits.flip(0)
            inp[i, 0] = BOS
            inp[i, 1:n + 1] = rev
            out[i, :n] = rev
            out[i, n] = EOS
            w[i, :n + 1] = 1.0
        logits = net(src, pad, inp)
        logp = F.log_softmax(logits.reshape(b * t, -1), dim=1).gather(1, out.reshape(-1, 1)).reshape(-1)
        loss = -(logp * w.reshape(-1)).sum() / w.sum()
        value = loss.item()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return value

    return count(net), step, 64


def gan(variant):
    """Default: a ring of 8 Gaussians, MLPs 2 -> 128 -> 128 -> 2 (ReLU) and 2 -> 128 -> 128 ->
    1 (LeakyReLU 0.2), non-saturating loss, Adam 2e-4 (0.5, 0.999), batch 64, one D step per
    G step. `mnist`: the small DCGAN (latent 100, 32 base channels) and the judge's step."""
    if variant == "mnist":
        c = 32
        g = nn.Sequential(
            nn.Linear(100, 2 * c * 49), nn.Unflatten(1, (2 * c, 7, 7)), nn.BatchNorm2d(2 * c), nn.ReLU(),
            nn.ConvTranspose2d(2 * c, c, 4, 2, 1), nn.BatchNorm2d(c), nn.ReLU(),
            nn.ConvTranspose2d(c, 1, 4, 2, 1), nn.Tanh(), nn.Flatten(),
        )
        d = nn.Sequential(
            nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, c, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(c, 2 * c, 4, 2, 1), nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(2 * c * 49, 1),
        )
        latent, data = 100, Images()
        judge = Judge()
        judge_opt = adam(judge.parameters(), 2e-3)

        def real(n):
            x, _ = data.batch(n)
            return x.reshape(n, 784) * 2 - 1
    else:
        judge = None
        g = nn.Sequential(nn.Linear(2, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 2))
        d = nn.Sequential(nn.Linear(2, 128), nn.LeakyReLU(0.2), nn.Linear(128, 128), nn.LeakyReLU(0.2), nn.Linear(128, 1))
        latent = 2

        def real(n):
            k = torch.randint(0, 8, (n,)).float() * (2 * math.pi / 8)
            return torch.stack([k.cos(), k.sin()], 1) + 0.02 * torch.randn(n, 2)

    og = adam(g.parameters(), 2e-4, (0.5, 0.999))
    od = adam(d.parameters(), 2e-4, (0.5, 0.999))

    def step():
        n = 64
        fake = g(torch.randn(n, latent)).detach()
        lr, lf = d(real(n)), d(fake)
        g_value = F.softplus(-lf).mean().item()
        d_loss = F.softplus(-lr).mean() + F.softplus(lf).mean()
        value = d_loss.item()
        od.zero_grad(set_to_none=True)
        d_loss.backward()
        od.step()
        g_loss = F.softplus(-d(g(torch.randn(n, latent)))).mean()
        g_value = g_loss.item()
        og.zero_grad(set_to_none=True)
        g_loss.backward()
        og.step()
        if judge is not None:
            judge_step(judge, judge_opt, data)
        return value + 0 * g_value

    return count(g, d), step, 64


# ---------------------------------------------------------------------------------------
# Timing


def cpu_seconds():
    t = os.times()
    return t.user + t.system


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lab", required=True)
    ap.add_argument("--variant", default="")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--secs", type=float, default=10.0)
    ap.add_argument("--device", default="cpu", help="cpu, or cuda for an NVIDIA GPU")
    args = ap.parse_args()
    global ARGS
    ARGS = args
    if args.device != "cpu":
        if args.device.startswith("cuda") and not torch.cuda.is_available():
            sys.exit(f"--device {args.device}: this PyTorch sees no CUDA GPU")
        torch.set_default_device(args.device)
    if args.threads:
        torch.set_num_threads(args.threads)
        torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    builders = {
        "mlp": mlp, "cnn": cnn, "resnet": resnet, "lstm": lambda: lstm(args.variant),
        "transformer": transformer, "gan": lambda: gan(args.variant),
    }
    builders.update(MORE)
    if args.lab not in builders:
        sys.exit(f"no mirror for lab '{args.lab}' (mirrors: {', '.join(builders)})")
    params, step, batch = builders[args.lab]()
    start = time.perf_counter()
    n = 0
    while n < 2 or time.perf_counter() - start < args.warmup:
        step()
        n += 1
    cpu0, start, steps = cpu_seconds(), time.perf_counter(), 0
    while steps < 3 or time.perf_counter() - start < args.secs:
        loss = step()
        steps += 1
    secs = time.perf_counter() - start
    rate = steps / secs
    print(json.dumps({
        "lab": args.lab, "variant": args.variant, "steps": steps, "seconds": secs,
        "steps_per_sec": rate, "samples_per_sec": rate * batch if batch else None, "batch": batch,
        "parameters": params, "cores_busy": (cpu_seconds() - cpu0) / secs,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "threads": torch.get_num_threads(), "torch": torch.__version__, "last_loss": loss,
        "device": torch.cuda.get_device_name() if args.device.startswith("cuda") else "cpu",
    }))


# ---------------------------------------------------------------------------------------
# Diffusion: the U-Net for 28x28 images (default) or the MLP for 2-D points


def time_embedding(ts, dim):
    half = dim // 2
    k = torch.arange(half, dtype=torch.float32)
    w = torch.exp(-math.log(10_000.0) * k / half)
    a = ts.float().unsqueeze(1) * w
    return torch.cat([a.sin(), a.cos()], 1)


class Conditioning(nn.Module):
    def __init__(self, sin_dim, dim):
        super().__init__()
        self.sin_dim = sin_dim
        self.fc1 = nn.Linear(sin_dim, dim)
        self.fc2 = nn.Linear(dim, dim)

    def forward(self, ts):
        return self.fc2(F.silu(self.fc1(time_embedding(ts, self.sin_dim))))


class ResBlock(nn.Module):
    def __init__(self, c_in, c_out, cd):
        super().__init__()
        self.norm1 = nn.GroupNorm(min(8, c_in), c_in)
        self.conv1 = nn.Conv2d(c_in, c_out, 3, 1, 1)
        self.cond = nn.Linear(cd, c_out)
        self.norm2 = nn.GroupNorm(min(8, c_out), c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, 1)
        self.skip = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else None

    def forward(self, x, c):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.cond(F.silu(c))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return h + (self.skip(x) if self.skip is not None else x)


class UNet(nn.Module):
    """Pixels folded 2x2 into 4 channels at 14x14, levels of w (14x14) and 2w (7x7) channels,
    a middle block, back up with skip connections; time through a sinusoidal embedding."""

    def __init__(self, w=32):
        super().__init__()
        cd = 4 * w
        self.cond = Conditioning(w, cd)
        self.stem = nn.Conv2d(4, w, 3, 1, 1)
        self.down1 = ResBlock(w, w, cd)
        self.pool = nn.Conv2d(w, w, 3, 2, 1)
        self.down2 = ResBlock(w, 2 * w, cd)
        self.mid = ResBlock(2 * w, 2 * w, cd)
        self.up2 = ResBlock(4 * w, 2 * w, cd)
        self.up1 = ResBlock(3 * w, w, cd)
        self.norm_out = nn.GroupNorm(8, w)
        self.out = nn.Conv2d(w, 4, 3, 1, 1)

    def forward(self, x, ts):
        c = self.cond(ts)
        h0 = self.stem(F.pixel_unshuffle(x, 2))
        h1 = self.down1(h0, c)
        h2 = self.down2(self.pool(h1), c)
        m = self.mid(h2, c)
        u2 = self.up2(torch.cat([m, h2], 1), c)
        u1 = self.up1(torch.cat([F.interpolate(u2, scale_factor=2, mode="nearest"), h1], 1), c)
        return F.pixel_shuffle(self.out(F.silu(self.norm_out(u1))), 2)


class Judge(nn.Module):
    """The classifier a generative lab trains on the side for its first 1,500 steps."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 5, padding=2)
        self.conv2 = nn.Conv2d(16, 32, 5, padding=2)
        self.out = nn.Linear(32 * 49, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.out(x.flatten(1))


def judge_step(judge, opt, data):
    """One step of the classifier tenlab's generative labs train beside them (their first
    1,500 steps)."""
    x, y = data.batch(64)
    loss = F.cross_entropy(judge(x), y)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()


def ema_step(ema, net, decay):
    with torch.no_grad():
        for e, p in zip(ema.parameters(), net.parameters()):
            e.mul_(decay).add_(p, alpha=1 - decay)


def diffusion(variant):
    """MNIST (default): the U-Net, width 32, T = 1000 linear betas 1e-4..0.02, min-SNR-5
    weights, Adam 2e-3, batch 64, an EMA of the weights every step, and the judge's step beside
    (as tenlab does for its first 1,500 steps). `points`: the 2-D MLP (width 128, 3 layers)."""
    T = 1000
    betas = torch.linspace(1e-4, 0.02, T)
    alpha_bar = torch.cumprod(1 - betas, 0)
    if variant == "points":
        net = PointNet()
        judge = None
    else:
        net = UNet()
        judge = Judge()
        judge_opt = adam(judge.parameters(), 2e-3)
        data = Images()
    ema = PointNet() if variant == "points" else UNet()
    ema.load_state_dict(net.state_dict())
    opt = adam(net.parameters(), 2e-3)
    decay = 0.995

    def step():
        n = 64
        ts = torch.randint(0, T, (n,))
        if variant == "points":
            x0 = torch.randn(n, 2)
        else:
            x0, _ = data.batch(n)
            x0 = x0 * 2 - 1
        eps = torch.randn_like(x0)
        ab = alpha_bar[ts].view(-1, *([1] * (x0.dim() - 1)))
        xt = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
        pred = net(xt, ts)
        per = (pred - eps).pow(2).flatten(1).mean(1)
        if variant == "points":
            loss = per.mean()
        else:
            snr = alpha_bar[ts] / (1 - alpha_bar[ts]).clamp_min(1e-8)
            loss = (per * snr.clamp_max(5.0) / snr.clamp_min(1e-8)).mean()
        value = per.detach().mean().item()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if judge is not None:
            judge_step(judge, judge_opt, data)
        ema_step(ema, net, decay)
        return value

    return count(net), step, 64


FOURIER = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]


class PointNet(nn.Module):
    def __init__(self, width=128, depth=3):
        super().__init__()
        self.cond = Conditioning(32, width)
        self.input = nn.Linear(2 + 4 * len(FOURIER), width)
        self.hidden = nn.ModuleList([nn.Linear(width, width) for _ in range(depth - 1)])
        self.cond_in = nn.ModuleList([nn.Linear(width, width) for _ in range(depth)])
        self.out = nn.Linear(width, 2)

    def forward(self, x, ts):
        c = self.cond(ts)
        f = torch.tensor(FOURIER)
        a = x.unsqueeze(2) * f
        h = self.input(torch.cat([x, a.sin().flatten(1), a.cos().flatten(1)], 1))
        h = F.silu(h + self.cond_in[0](c))
        for layer, cond in zip(self.hidden, self.cond_in[1:]):
            h = F.silu(layer(h) + cond(c))
        return self.out(h)


# ---------------------------------------------------------------------------------------
# GCN on the karate club


def karate_edges():
    # Zachary's karate club (networkx's copy, 78 edges).
    e = [(0, 1), (0, 2), (0, 3), (0, 4), (0, 5), (0, 6), (0, 7), (0, 8), (0, 10), (0, 11), (0, 12), (0, 13),
         (0, 17), (0, 19), (0, 21), (0, 31), (1, 2), (1, 3), (1, 7), (1, 13), (1, 17), (1, 19), (1, 21), (1, 30),
         (2, 3), (2, 7), (2, 8), (2, 9), (2, 13), (2, 27), (2, 28), (2, 32), (3, 7), (3, 12), (3, 13), (4, 6),
         (4, 10), (5, 6), (5, 10), (5, 16), (6, 16), (8, 30), (8, 32), (8, 33), (9, 33), (13, 33), (14, 32),
         (14, 33), (15, 32), (15, 33), (18, 32), (18, 33), (19, 33), (20, 32), (20, 33), (22, 32), (22, 33),
         (23, 25), (23, 27), (23, 29), (23, 32), (23, 33), (24, 25), (24, 27), (24, 31), (25, 31), (26, 29),
         (26, 33), (27, 33), (28, 31), (28, 33), (29, 32), (29, 33), (30, 32), (30, 33), (31, 32), (31, 33),
         (32, 33)]
    return e


def gcn():
    """Two layers 34 -> 16 -> 2 over the normalised adjacency with self-loops (sparse: gather
    and scatter-add), one-hot node features with dropout 0.5, L2 5e-4 on the first layer, Adam
    0.01, full batch (two labelled nodes)."""
    n = 34
    edges = karate_edges()
    pairs = [(a, b) for a, b in edges] + [(b, a) for a, b in edges] + [(i, i) for i in range(n)]
    deg = torch.zeros(n)
    for a, _ in pairs:
        deg[a] += 1
    rows = torch.tensor([p[0] for p in pairs])
    cols = torch.tensor([p[1] for p in pairs])
    wts = (deg[rows] * deg[cols]).rsqrt().unsqueeze(1)

    def spmm(x):
        return torch.zeros(n, x.shape[1]).index_add_(0, rows, x[cols] * wts)

    l1, l2 = nn.Linear(n, 16), nn.Linear(16, 2)
    opt = adam(list(l1.parameters()) + list(l2.parameters()), 0.01)
    train = torch.tensor([0, 33])
    y = torch.tensor([0, 1])

    def step():
        x = F.dropout(torch.eye(n), 0.5, True)
        h = F.relu(spmm(l1(x)))
        out = spmm(l2(F.dropout(h, 0.5, True)))
        loss = F.cross_entropy(out[train], y) + l1.weight.pow(2).sum() * (5e-4 / 2)
        value = loss.item()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return value

    return count(l1, l2), step, None


# ---------------------------------------------------------------------------------------
# Word2Vec: skip-gram with negative sampling on Moby Dick


# Words kept (min count 5) in tenlab's Moby Dick vocabulary; `tenlab bench --lab word2vec`
# prints the parameter count, 2 x vocabulary x 100.
VOCAB_W2V = 4_131


def word2vec():
    """Skip-gram, 100 dimensions, 5 negatives, a batch of 256 pairs, plain SGD with a
    decaying rate (sparse rows: only the rows a batch touches change)."""
    v, d, k, b = VOCAB_W2V, 100, 5, 256
    inp = nn.Embedding(v, d)
    out = nn.Embedding(v, d)
    nn.init.uniform_(inp.weight, -0.5 / d, 0.5 / d)
    nn.init.zeros_(out.weight)
    opt = torch.optim.SGD(list(inp.parameters()) + list(out.parameters()), lr=0.025)
    tokens = torch.randint(0, v, (200_000,))
    signs = torch.tensor([1.0] + [-1.0] * k)

    def step():
        centre = torch.randint(5, tokens.shape[0] - 5, (b,))
        offset = torch.randint(1, 6, (b,)) * (torch.randint(0, 2, (b,)) * 2 - 1)
        ctx = tokens[centre].unsqueeze(1)
        tgt = torch.cat([tokens[centre + offset].unsqueeze(1), torch.randint(0, v, (b, k))], 1)
        vv = inp(ctx).mean(1, keepdim=True)
        uu = out(tgt)
        loss = -F.logsigmoid((uu * vv).sum(2) * signs).sum()
        value = loss.item() / b
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return value

    return count(inp, out), step, b


# ---------------------------------------------------------------------------------------
# DQN on CartPole-v1


class CartPole:
    """gymnasium's CartPole-v1 equations (Euler, tau 0.02)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.s = [float(v) for v in (torch.rand(4) * 0.1 - 0.05)]
        self.t = 0

    def step(self, a):
        x, xd, th, thd = self.s
        force = 10.0 if a == 1 else -10.0
        ct, st = math.cos(th), math.sin(th)
        temp = (force + 0.05 * thd ** 2 * st) / 1.1
        tha = (9.8 * st - ct * temp) / (0.5 * (4.0 / 3.0 - 0.1 * ct ** 2 / 1.1))
        xa = temp - 0.05 * tha * ct / 1.1
        x, xd, th, thd = x + 0.02 * xd, xd + 0.02 * xa, th + 0.02 * thd, thd + 0.02 * tha
        self.s = [x, xd, th, thd]
        self.t += 1
        done = abs(x) > 2.4 or abs(th) > 12 * 2 * math.pi / 360
        return self.s, 1.0, done, self.t >= 500


def dqn():
    """4 -> 128 -> 128 -> 2 (ReLU), Adam 5e-4 with each gradient clipped to norm 10, Huber
    loss, Double DQN, batch 64 from a 50,000-transition buffer, one environment step and one
    update per step, the target copied every 500 steps."""
    def qnet():
        return nn.Sequential(nn.Linear(4, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 2))

    online, target = qnet(), qnet()
    target.load_state_dict(online.state_dict())
    opt = adam(online.parameters(), 5e-4)
    params = list(online.parameters())
    cap = 50_000
    S = torch.zeros(cap, 4)
    A = torch.zeros(cap, dtype=torch.long)
    R = torch.zeros(cap)
    S2 = torch.zeros(cap, 4)
    D = torch.zeros(cap)
    env = CartPole()
    state = {"n": 0, "steps": 0}

    def step():
        obs = torch.tensor(env.s)
        with torch.no_grad():
            q = online(obs.unsqueeze(0))[0].tolist()
        a = int(torch.randint(0, 2, ())) if float(torch.rand(())) < 0.05 else int(q[1] > q[0])
        s2, r, term, trunc = env.step(a)
        i = state["n"] % cap
        S[i], A[i], R[i], S2[i], D[i] = obs, a, r, torch.tensor(s2), float(term)
        state["n"] += 1
        state["steps"] += 1
        if term or trunc:
            env.reset()
        value = None
        if state["n"] >= 1000:
            idx = torch.randint(0, min(state["n"], cap), (64,))
            with torch.no_grad():
                qt = target(S2[idx])
                best = qt.gather(1, online(S2[idx]).argmax(1, keepdim=True)).squeeze(1)
                y = R[idx] + 0.99 * best * (1 - D[idx])
            q_sa = online(S[idx]).gather(1, A[idx].unsqueeze(1)).squeeze(1)
            diff = q_sa - y
            diff.detach().tolist()
            loss = F.huber_loss(q_sa, y, delta=1.0)
            value = loss.item()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            clip_each(params, 10.0)
            opt.step()
        if state["steps"] % 500 == 0:
            target.load_state_dict(online.state_dict())
        return value

    return count(online), step, 64


MORE = {"diffusion": lambda: diffusion(ARGS.variant), "gcn": gcn, "word2vec": word2vec, "dqn": dqn}

if __name__ == "__main__":
    main()
