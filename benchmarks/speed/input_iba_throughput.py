"""InputIBA throughput (images/s) and peak memory per batch size, side by side.

Every batch size runs the same images with the same schedule in a fresh
process (so that peak memory is its own), one after the other:

    python -m benchmarks.speed.input_iba_throughput --batch-sizes 1 4 16 --images 16

CPU peak memory is the process's maximum resident set size; GPU peak memory
is torch.cuda.max_memory_allocated. ``--schedule`` names one of InputIBA's
schedules (``fast``, the default, or ``published``, the reference's VGG16
schedule); batch norm is folded and the layout is channels-last, as in the
configs, unless ``--fold-batchnorm 0`` / ``--channels-last 0``.
"""
import argparse
import json
import os.path as osp
import resource
import time
from typing import Optional, Sequence

import torch

from benchmarks.common import SMOKE_SCHEDULE, benchmark_parser, parse_args, run_module
from input_iba.models.attributors.input_iba import SCHEDULES


def load_images(count):
    from input_iba.datasets import ImageNetBoxes, SkimagePhotos
    from input_iba.utils import default_data_root
    if osp.isdir(osp.join(default_data_root(), 'imagenet')):
        dataset = ImageNetBoxes()
    else:
        dataset = SkimagePhotos(crops_per_photo=max(1, count // 4 + 1))
    if len(dataset) < count:
        raise SystemExit(f'only {len(dataset)} images available, asked {count}')
    return torch.stack([dataset[i]['inputs'] for i in range(count)])


def worker(args):
    from input_iba.models.attributors import InputIBA
    from input_iba.registry import MODELS
    device = args.device
    model = MODELS.build(dict(type='EfficientNetLite0')).to(device)
    att = InputIBA(model, args.layer, schedule=args.schedule, adapter=dict(
        type='ImageAdapter', channels_last=bool(args.channels_last),
        fold_batchnorm=bool(args.fold_batchnorm)), **(SMOKE_SCHEDULE if args.smoke else {}))
    images = load_images(args.images).to(device)
    att.estimate([dict(inputs=images)], len(images), progress=False)
    with torch.no_grad():
        targets = model(images).argmax(1)
    if device.startswith('cuda'):
        torch.cuda.reset_peak_memory_stats()
        torch.cuda.synchronize()
    start = time.perf_counter()
    for i in range(0, len(images), args.batch_size):
        sl = slice(i, i + args.batch_size)
        att.attribute(images[sl], targets[sl], seeds=list(range(i, i + len(images[sl]))))
    if device.startswith('cuda'):
        torch.cuda.synchronize()
        peak = torch.cuda.max_memory_allocated() / 2**20
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    seconds = time.perf_counter() - start
    print(json.dumps(dict(batch_size=args.batch_size, images=len(images),
                          seconds=seconds, images_per_s=len(images) / seconds,
                          peak_mib=peak)))


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = benchmark_parser(__doc__, device=True,
                              smoke='2 steps on 2 noise copies per stage (benchmarks.common)')
    parser.add_argument('--batch-sizes', type=int, nargs='+', default=[1, 4, 16])
    parser.add_argument('--images', type=int, default=16)
    parser.add_argument('--layer', default='blocks.2')
    parser.add_argument('--schedule', choices=sorted(SCHEDULES), default='fast')
    parser.add_argument('--fold-batchnorm', type=int, choices=(0, 1), default=1)
    parser.add_argument('--channels-last', type=int, choices=(0, 1), default=1)
    parser.add_argument('--batch-size', type=int, help=argparse.SUPPRESS)
    args = parse_args(parser, argv)
    if args.batch_size:
        return worker(args)
    rows = []
    for bs in args.batch_sizes:
        out = run_module(__spec__.name, [
            '--batch-size', str(bs), '--images', str(args.images), '--layer', args.layer,
            '--schedule', args.schedule, '--device', args.device, '--threads',
            str(args.threads), '--fold-batchnorm', str(args.fold_batchnorm),
            '--channels-last', str(args.channels_last)] + ['--smoke'] * args.smoke)
        if out.returncode:
            raise SystemExit(f'batch size {bs} failed:\n{out.stderr[-3000:]}')
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f'batch {bs:3d}: {rows[-1]["images_per_s"]:.3f} images/s, '
              f'peak {rows[-1]["peak_mib"]:.0f} MiB', flush=True)
    device = (torch.cuda.get_device_name() if args.device.startswith('cuda')
              else f'CPU, {torch.get_num_threads()} thread(s)')
    print(f'\nEfficientNet-Lite0, layer {args.layer}, {args.images} images of '
          f'224x224, schedule {args.schedule!r}, {device}, batch norm folded: '
          f'{bool(args.fold_batchnorm)}, channels-last: {bool(args.channels_last)}')
    print('| batch size | images/s | speed-up vs batch 1 | peak memory (MiB) |')
    print('|---:|---:|---:|---:|')
    for r in rows:
        print(f'| {r["batch_size"]} | {r["images_per_s"]:.3f} | '
              f'{r["images_per_s"] / rows[0]["images_per_s"]:.2f}x | '
              f'{r["peak_mib"]:.0f} |')


if __name__ == '__main__':
    main()
