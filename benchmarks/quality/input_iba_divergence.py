"""Why InputIBA's masks depended on the machine: the input stage run twice,
on an image and on the image plus 1e-6 Gaussian noise (same seed, same
prior), and the mean |Δ σ(α)| after steps 1, 5, 10, 15, 20 and 30.

Update rules, each with a learning rate: ``adam`` (the method's), ``releps``
(Adam whose epsilon is the RMS of the sample's gradient), ``scalar`` (one
second moment per sample: a normalised gradient step with momentum). With
``--width W`` the model's ReLU6 gradients are smoothed
(:mod:`input_iba.models.smooth_gradients`)::

    python -m benchmarks.quality.input_iba_divergence --rules adam:1 releps:1 scalar:1 scalar:0.3
    python -m benchmarks.quality.input_iba_divergence --rules adam:1 --width 0.5
"""
import os.path as osp
from typing import Optional, Sequence

import torch

from benchmarks.common import benchmark_parser, parse_args, smoke_options
from benchmarks.quality.input_iba_quality import setup
from input_iba.apis.builders import prepare_statistics
from input_iba.models.bottlenecks import input_kl, masked_mean, mix
from input_iba.utils import sample_seed

RECORDED = (1, 5, 10, 15, 20, 30)


def update(rule, grad, state, t, beta1=0.9, beta2=0.999):
    """The step direction of ``rule`` at step ``t`` (1-based)."""
    m, v = state
    m.mul_(beta1).add_((1 - beta1) * grad)
    if rule == 'scalar':
        v.mul_(beta2).add_((1 - beta2) * grad.pow(2).mean())
        eps = 1e-12
    else:
        v.mul_(beta2).add_((1 - beta2) * grad * grad)
        eps = grad.pow(2).mean().sqrt() if rule == 'releps' else 1e-8
    return (m / (1 - beta1**t)) / ((v / (1 - beta2**t)).sqrt() + eps)


def input_stage(att, x, target, prior, seed, rule, lr):
    """σ(α) after each step of the input stage with update ``rule``."""
    cfg = att.input_cfg
    generators = [torch.Generator().manual_seed(seed)]
    weight = att.adapter.input_weight(x, None)
    alpha = torch.full_like(x, cfg['init_alpha'], requires_grad=True)
    state = (torch.zeros_like(x), torch.zeros_like(x))
    history = []
    for t in range(1, cfg['steps'] + 1):
        lam = att.adapter.smooth_input(torch.sigmoid(alpha), cfg['sigma'])
        eps = att.adapter.sample_noise(generators, cfg['copies'], x.shape[1:], x.device)
        z = mix(x[:, None], lam[:, None], eps.view(-1, cfg['copies'], *x.shape[1:]))
        ce = att.class_loss(z.flatten(0, 1), target, None, cfg['copies'])
        info = masked_mean(input_kl(x, lam, prior), weight)
        grad, = torch.autograd.grad((ce + cfg['beta'] * info).sum(), alpha)
        with torch.no_grad():
            alpha -= lr * update(rule, grad, state, t)
        history.append(torch.sigmoid(alpha).detach())
    return history


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = benchmark_parser(
        __doc__, work_dir="the statistics cache (input_iba_quality's)",
        default_work_dir='work_dirs/input_iba_quality',
        smoke='2 steps on 2 noise copies per stage (benchmarks.common)')
    parser.add_argument('--rules', nargs='+', default=['adam:1'])
    parser.add_argument('--width', type=float, default=0.0)
    parser.add_argument('--images', type=int, nargs='+', default=[0, 2])
    args = parse_args(parser, argv)
    cfg, _, att, dataset = setup({'attributor.activation_gradient_width': args.width,
                                  **(smoke_options() if args.smoke else {})})
    cfg.data.num_estimation_samples = len(dataset)
    prepare_statistics(cfg, att, osp.join(args.work_dir, 'cache'))
    noise = torch.Generator().manual_seed(1)
    for index in args.images:
        item = dataset[index]
        x = item['inputs'][None]
        x_moved = x + 1e-6 * torch.randn(x.shape, generator=noise)
        target = att.predict(x).argmax(-1)
        seed = sample_seed(0, item['name'])
        generators = [torch.Generator().manual_seed(seed)]
        lam, capacity, r = att.fit_feature_bottleneck(x, target, generators)
        prior, _ = att.fit_generator(x, lam, capacity, r, generators, [seed])
        for spec in args.rules:
            rule, lr = spec.split(':')
            runs = [input_stage(att, inp, target, prior, seed + 1, rule, float(lr))
                    for inp in (x, x_moved)]
            diffs = [(a - b).abs().mean().item() for a, b in zip(*runs)]
            final = (runs[0][-1] - runs[1][-1]).abs()
            print(f'{item["name"]} {rule} lr {lr} width {args.width}: mean |Δ| after steps '
                  + ', '.join(f'{s}: {diffs[s - 1]:.1e}' for s in RECORDED if s <= len(diffs))
                  + f'; final max {final.max():.2f}; mean mask {runs[0][-1].mean():.3f}',
                  flush=True)


if __name__ == '__main__':
    main()
