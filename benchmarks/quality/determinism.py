"""How much masks change with the batch size, the thread count, a restart and
the seed, for the optimised image methods on real images.

``run`` attributes the first images of the shared ImageNet set with one
method of a compare config, at one batch size, thread count and seed, and
stores the masks; ``table`` compares every run of a method with its batch-1,
one-thread, seed-0 run (max and mean absolute difference, SSIM as in the
sanity check, Spearman ρ) and prints the markdown table of
docs/results/determinism.md::

    python -m benchmarks.quality.determinism run --method IBA --name b1
    python -m benchmarks.quality.determinism run --method IBA --name b2 --batch-size 2
    python -m benchmarks.quality.determinism run --method IBA --name t2 --threads 2
    python -m benchmarks.quality.determinism run --method IBA --name s1 --seed 1
    python -m benchmarks.quality.determinism run --method IBA --name restart --images 0 1
    python -m benchmarks.quality.determinism run --method IBA --name restart --images 2 3
    python -m benchmarks.quality.determinism table
    python -m benchmarks.quality.determinism control --method IBA

``control`` runs the sanity check's re-run control (SanityCheck's
``repeat_ssim``: a re-run on the intact model with statistics re-estimated
on all shared images) against a method's batch-1 masks.

``--variant NAME --cfg-options methods.InputIBA.key=value`` stores a
variant of a method under its own name. ``restart`` runs are made of
separate processes (each attributing part of the images); the batch-1 run
is one process.
"""
import glob
import json
import os
import os.path as osp
from typing import Optional, Sequence

import numpy as np
import torch
from scipy.stats import spearmanr

from benchmarks.common import benchmark_parser, parse_args
from input_iba.apis.builders import (
    build_attributor,
    build_dataset,
    build_model,
    config_adapter,
    load_config,
    prepare_statistics,
)
from input_iba.engine import attribute_dataset
from input_iba.evaluation.vision.sanity_check import SanityCheck, ssim
from input_iba.utils.layout import WorkDir

CONFIG = 'configs/compare/efficientnet_lite0_imagenet_all.py'
BASELINE = 'b1'


def setup(args):
    """The config, model, dataset and the method's attributor of ``args``."""
    cfg = load_config(args.config, args.cfg_options,
                      required=('model', 'methods', 'data'))
    model = build_model(cfg.model)
    attributor = build_attributor(cfg.methods[args.method], model, config_adapter(cfg))
    return cfg, model, build_dataset(cfg.data.attribute), attributor


def run(args):
    cfg, _, dataset, attributor = setup(args)
    prepare_statistics(cfg, attributor, osp.join(args.work_dir, 'cache'))
    out = osp.join(args.work_dir, args.variant or args.method, args.name)
    os.makedirs(out, exist_ok=True)
    indices = args.images if args.images is not None else range(args.num_images)

    def save(index, attributed, row):
        np.save(osp.join(out, attributed.items[row]['name'] + '.npy'),
                attributed.result.input_masks[row].numpy())

    attribute_dataset(attributor, dataset, indices, args.batch_size, save, seed=args.seed,
                      targets='prediction', desc=f'{args.variant or args.method} {args.name}')
    with open(WorkDir(out).record, 'w') as f:
        json.dump(vars(args), f, default=str)


def control(args):
    cfg, model, dataset, attributor = setup(args)
    check = SanityCheck(model, lambda m: build_attributor(
        cfg.methods[args.method], m, config_adapter(cfg)), layers=['classifier'],
        seed=args.seed, estimation_inputs=torch.stack(
            [dataset[i]['inputs'] for i in range(len(dataset))]))
    runs = osp.join(args.work_dir, args.variant or args.method, BASELINE)
    scores = []
    for i in range(len(dataset)):
        item = dataset[i]
        path = osp.join(runs, item['name'] + '.npy')
        if osp.isfile(path):
            target = int(attributor.predict(item['inputs'][None]).argmax())
            scores.append(check.evaluate_sample(item, np.load(path), target)['repeat_ssim'])
            print(f'{args.variant or args.method} {item["name"]}: re-run SSIM {scores[-1]:.4f}',
                  flush=True)
    print(f'{args.variant or args.method}: re-run control SSIM mean {np.mean(scores):.4f}, '
          f'min {min(scores):.4f} over {len(scores)} images')


def compare(a, b):
    diff = np.abs(a - b)
    return dict(max_abs=float(diff.max()), mean_abs=float(diff.mean()),
                ssim=ssim(a, b), spearman=float(spearmanr(a.ravel(), b.ravel())[0]))


def table(args):
    rows = ['| method | compared with batch 1, 1 thread, seed 0 | images | '
            'max abs diff | mean abs diff | SSIM (min) | Spearman ρ (min) |',
            '|---|---|---:|---:|---:|---:|---:|']
    summary = {}
    for method_dir in sorted(glob.glob(osp.join(args.work_dir, '*'))):
        method = osp.basename(method_dir)
        base_dir = osp.join(method_dir, BASELINE)
        if method == 'cache' or not osp.isdir(base_dir):
            continue
        for run_dir in sorted(glob.glob(osp.join(method_dir, '*'))):
            name = osp.basename(run_dir)
            if name == BASELINE:
                continue
            scores = []
            for path in sorted(glob.glob(osp.join(run_dir, '*.npy'))):
                ref = osp.join(base_dir, osp.basename(path))
                if osp.isfile(ref):
                    scores.append(compare(np.load(ref), np.load(path)))
            if not scores:
                continue
            agg = {k: [s[k] for s in scores] for k in scores[0]}
            summary[f'{method}/{name}'] = agg
            rows.append(
                f'| {method} | {name} | {len(scores)} | {max(agg["max_abs"]):.2g} | '
                f'{np.mean(agg["mean_abs"]):.2g} | {np.mean(agg["ssim"]):.4f} '
                f'({min(agg["ssim"]):.4f}) | {np.mean(agg["spearman"]):.4f} '
                f'({min(agg["spearman"]):.4f}) |')
    with open(osp.join(args.work_dir, 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=1)
    print('\n'.join(rows))


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = benchmark_parser(__doc__, work_dir='the runs (one folder per method and run)',
                              default_work_dir='work_dirs/determinism', cfg_options=True)
    parser.add_argument('command', choices=('run', 'table', 'control'))
    parser.add_argument('--config', default=CONFIG)
    parser.add_argument('--method', default='InputIBA')
    parser.add_argument('--variant', help='store the runs under this name')
    parser.add_argument('--name', default=BASELINE)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--batch-size', type=int, default=1)
    parser.add_argument('--num-images', type=int, default=4)
    parser.add_argument('--images', type=int, nargs='*')
    args = parse_args(parser, argv)
    dict(run=run, table=table, control=control)[args.command](args)


if __name__ == '__main__':
    main()
