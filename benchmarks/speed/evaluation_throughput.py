"""Evaluation throughput (perturbed images per second), batched versus
one-at-a-time, side by side in one run.

The same samples, masks and metric settings are evaluated with one perturbed
image per forward pass (``batch_size=1``) and with many (``--batch-sizes``),
for each model and each perturbation metric, the settings interleaved:

    python -m benchmarks.speed.evaluation_throughput --models tiny EfficientNetLite0 \\
        --samples 2 --threads 1

Besides wall-clock throughput, images per CPU-second of this process are
reported: on a machine shared with other jobs, they are the steadier measure.

``tiny`` is a small random CNN (3x224x224 input), so the cost of building the
perturbed images weighs more; EfficientNet-Lite0 is the real model of the
comparison. The metric settings are coarser than the defaults (see
``--pixels-per-step``, ``--ns``, ``--subsets``) to fit a laptop CPU; the
number of perturbed images per forward pass is what is compared.
"""
import os.path as osp
import time
from typing import Optional, Sequence

import numpy as np
import torch
import torch.nn as nn

from benchmarks.common import benchmark_parser, parse_args


def tiny_cnn():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 16, 5, stride=4, padding=2), nn.ReLU(),
                         nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))


def build_model(name, device):
    from input_iba.registry import MODELS
    model = tiny_cnn() if name == 'tiny' else MODELS.build(dict(type=name))
    return model.eval().to(device)


def load_items(count):
    from input_iba.datasets import ImageNetBoxes, SkimagePhotos
    from input_iba.utils import default_data_root
    if osp.isdir(osp.join(default_data_root(), 'imagenet')):
        dataset = ImageNetBoxes()
    else:
        dataset = SkimagePhotos(crops_per_photo=max(1, count // 4 + 1))
    return [dataset[i] for i in range(count)]


def perturbed_count(evaluator, record):
    """Inputs one sample sent through the model (both curves, or all subsets
    plus the clean input)."""
    if 'fractions' in record:
        return 2 * len(record['fractions'])
    return len(record['ns']) * evaluator.num_subsets + 1


def timed_run(evaluator, items, masks):
    """Perturbed images, wall seconds and CPU seconds of this process for
    evaluating every sample once."""
    sync = torch.cuda.synchronize if evaluator.device.type == 'cuda' else (lambda: None)
    sync()
    wall, cpu, images = time.perf_counter(), time.process_time(), 0
    for item, mask in zip(items, masks):
        images += perturbed_count(evaluator, evaluator.evaluate_sample(item, mask, 0))
    sync()
    return images, time.perf_counter() - wall, time.process_time() - cpu


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = benchmark_parser(__doc__, device=True)
    parser.add_argument('--models', nargs='+', default=['tiny', 'EfficientNetLite0'])
    parser.add_argument('--samples', type=int, default=2)
    parser.add_argument('--batch-sizes', type=int, nargs='+', default=[1, 8, 64],
                        help='perturbed images per forward pass; the first is the '
                        'reference of the speed-up')
    parser.add_argument('--repeats', type=int, default=2,
                        help='runs per setting, interleaved; the fastest counts')
    parser.add_argument('--pixels-per-step', type=int, default=224 * 8,
                        help='insertion/deletion step (default 1792: 29 points per curve)')
    parser.add_argument('--ns', type=int, nargs='+', default=[1, 100, 10000])
    parser.add_argument('--subsets', type=int, default=16)
    args = parse_args(parser, argv)
    from input_iba.evaluation.vision import InsertionDeletion, SensitivityN

    items = load_items(args.samples)
    rng = np.random.default_rng(0)
    masks = [rng.random(item['inputs'].shape[-2:]) for item in items]
    adapter = dict(type='ImageAdapter', channels_last=True)
    metrics = dict(
        insertion_deletion=lambda model, bs: InsertionDeletion(
            model, adapter, batch_size=bs, pixels_per_step=args.pixels_per_step),
        sensitivity_n=lambda model, bs: SensitivityN(
            model, adapter=adapter, batch_size=bs, ns=args.ns,
            num_subsets=args.subsets))
    device = (torch.cuda.get_device_name() if args.device.startswith('cuda')
              else f'CPU, {torch.get_num_threads()} thread(s)')
    print(f'{args.samples} images of 224x224, {device}, channels-last; '
          f'insertion/deletion every {args.pixels_per_step} px, sensitivity-N '
          f'N={args.ns} x {args.subsets} subsets; best of {args.repeats}\n')
    print('| model | metric | images per sample | batch | img/s (wall) | '
          'img per CPU-s | speed-up (CPU-s) |')
    print('|---|---|---:|---:|---:|---:|---:|')
    for name in args.models:
        model = build_model(name, args.device)
        for metric, make in metrics.items():
            evaluators = {bs: make(model, bs) for bs in args.batch_sizes}
            evaluators[args.batch_sizes[0]].evaluate_sample(items[0], masks[0], 0)
            best = {}
            for _ in range(args.repeats):
                for bs, ev in evaluators.items():
                    images, wall, cpu = timed_run(ev, items, masks)
                    old = best.get(bs, (images, np.inf, np.inf))
                    best[bs] = (images, min(old[1], wall), min(old[2], cpu))
            reference = best[args.batch_sizes[0]]
            for bs, (images, wall, cpu) in best.items():
                print(f'| {name} | {metric} | {images // len(items)} | {bs} | '
                      f'{images / wall:.1f} | {images / cpu:.1f} | '
                      f'{reference[2] / cpu:.2f}x |', flush=True)


if __name__ == '__main__':
    main()
