"""
The adversarial step of TensorFlow's DCGAN tutorial in PyTorch, as a reference point for
genlib's benchmark (`npm run bench`). Not a project dependency: it runs only when Debian's
python3-torch is importable.

The step is the same one the TypeScript benchmark times: generator tape (G forward, D on the fakes,
generator loss, gradients for G's parameters only), discriminator tape (D on real and on the
detached fakes, discriminator loss, gradients for D's parameters), then one Adam update of each.

Protocol (one JSON object per line on stdout):
  python3 pytorch-dcgan-step.py --threads N [--batch 64]
  -> {"ready": true, "torch": "<version>", "threads": N}
  stdin "step\n"  -> {"ms": <wall ms>, "cpuMs": <process CPU ms>, "losses": [g, d]}
  stdin "quit\n" (or end of input) -> exits
"""

import argparse
import json
import os
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch
    from torch import nn

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    leak = 0.3  # Keras LeakyReLU's default slope

    class Reshape(nn.Module):
        def forward(self, x):
            return x.view(-1, 256, 7, 7)

    generator = nn.Sequential(
        nn.Linear(100, 7 * 7 * 256, bias=False),
        nn.BatchNorm1d(7 * 7 * 256),
        nn.LeakyReLU(leak),
        Reshape(),
        nn.ConvTranspose2d(256, 128, 5, stride=1, padding=2, bias=False),
        nn.BatchNorm2d(128),
        nn.LeakyReLU(leak),
        nn.ConvTranspose2d(128, 64, 5, stride=2, padding=2, output_padding=1, bias=False),
        nn.BatchNorm2d(64),
        nn.LeakyReLU(leak),
        nn.ConvTranspose2d(64, 1, 5, stride=2, padding=2, output_padding=1, bias=False),
        nn.Tanh(),
    )
    discriminator = nn.Sequential(
        nn.Conv2d(1, 64, 5, stride=2, padding=2),
        nn.LeakyReLU(leak),
        nn.Dropout(0.3),
        nn.Conv2d(64, 128, 5, stride=2, padding=2),
        nn.LeakyReLU(leak),
        nn.Dropout(0.3),
        nn.Flatten(),
        nn.Linear(128 * 7 * 7, 1),
    )
    g_params = list(generator.parameters())
    d_params = list(discriminator.parameters())
    opt_g = torch.optim.Adam(g_params, lr=1e-4)
    opt_d = torch.optim.Adam(d_params, lr=1e-4)
    bce = nn.BCEWithLogitsLoss()
    real = torch.rand(args.batch, 1, 28, 28) * 2 - 1
    ones = torch.ones(args.batch, 1)
    zeros = torch.zeros(args.batch, 1)

    def step():
        z = torch.randn(args.batch, 100)
        fake = generator(z)
        g_loss = bce(discriminator(fake), ones)
        g_grads = torch.autograd.grad(g_loss, g_params)
        detached = fake.detach()
        d_loss = bce(discriminator(real), ones) + bce(discriminator(detached), zeros)
        d_grads = torch.autograd.grad(d_loss, d_params)
        for p, g in zip(g_params, g_grads):
            p.grad = g
        for p, g in zip(d_params, d_grads):
            p.grad = g
        opt_g.step()
        opt_d.step()
        return [float(g_loss), float(d_loss)]

    generator.train()
    discriminator.train()
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "quit":
            break
        if command != "step":
            print(json.dumps({"error": f"unknown command {command!r}"}), flush=True)
            continue
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        losses = step()
        ms = (time.perf_counter() - t0) * 1000
        cpu_ms = (time.process_time() - cpu0) * 1000
        print(json.dumps({"ms": ms, "cpuMs": cpu_ms, "losses": losses}), flush=True)


if __name__ == "__main__":
    main()
