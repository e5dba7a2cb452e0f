"""InputIBA's mask quality against its cost, and against the reference masks.

``run`` attributes the 18 shared ImageNet images with EfficientNet-Lite0 at
``blocks.2`` (the predicted class, estimation on the same images: the
setting of ``reference_masks/``) for one schedule and seed, and records the
CPU seconds per image; ``score`` evaluates every run (and the reference
masks) with the same evaluators; ``table`` prints the quality-cost table with
paired differences to a chosen row and seed-to-seed stability::

    python benchmarks/input_iba_quality.py run --name fast-in30 --seed 0
    python benchmarks/input_iba_quality.py run --name published --seed 0 \\
        --cfg-options attributor.schedule=published
    python benchmarks/input_iba_quality.py score --kinds input smoothed
    python benchmarks/input_iba_quality.py table --kinds input smoothed
"""
import argparse
import glob
import json
import os
import os.path as osp
import resource
import time

import numpy as np
import torch
from scipy.stats import spearmanr

from input_iba.apis.builders import (build_attributor, build_dataset,
                                     build_model, config_adapter, load_config,
                                     prepare_statistics)
from mmengine.config import DictAction

from input_iba.evaluation.base import mean_ci
from input_iba.evaluation.vision.effective_heat_ratio import EffectiveHeatRatio
from input_iba.evaluation.vision.insertion_deletion import InsertionDeletion
from input_iba.evaluation.vision.pointing_game import PointingGame
from input_iba.models.bottlenecks import smooth2d
from input_iba.utils import default_data_root, sample_seed

CONFIG = 'configs/input_iba/efficientnet_lite0_imagenet68.py'
REFERENCES = [osp.join('reference_masks', f'inputiba_reference_efficientnet_lite0{part}.npz')
              for part in ('', '_dev')]
METRICS = ('insertion_auc', 'deletion_auc', 'ehr', 'hit')


def reference_masks():
    """The reference implementation's masks of the 68 images, by name."""
    masks = {}
    for path in REFERENCES:
        with np.load(osp.join(default_data_root(), path)) as ref:
            masks.update({k: ref[k].astype(np.float32) for k in ref.files})
    return masks


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def setup(cfg_options):
    cfg = load_config(CONFIG, cfg_options)
    model = build_model(cfg.model)
    attributor = build_attributor(cfg.attributor, model, config_adapter(cfg))
    dataset = build_dataset(cfg.data.attribute)
    return cfg, model, attributor, dataset


def run(args):
    torch.set_num_threads(args.threads)
    out = osp.join(args.out, 'runs', f'{args.name}-seed{args.seed}')
    os.makedirs(out, exist_ok=True)
    # the raw sigmoid(alpha) is stored as 'input' and the default output,
    # the smoothed mask, is derived from it as 'smoothed'
    cfg, model, attributor, dataset = setup(dict(
        args.cfg_options or {}, **{'attributor.input_mask': 'sigmoid'}))
    cfg.data.num_estimation_samples = len(dataset)
    prepare_statistics(cfg, attributor, osp.join(args.out, 'cache'))
    indices = args.images or list(range(len(dataset)))
    todo = [i for i in indices
            if not osp.isfile(osp.join(out, dataset.sample_name(i) + '.npz'))]
    for pos in range(0, len(todo), args.batch_size):
        items = [dataset[i] for i in todo[pos:pos + args.batch_size]]
        inputs = torch.stack([it['inputs'] for it in items])
        targets = attributor.predict(inputs).argmax(-1)
        seeds = [sample_seed(args.seed, it['name']) for it in items]
        cpu0, wall0 = cpu_seconds(), time.time()
        result = attributor.attribute(inputs, targets, seeds=seeds)
        cpu, wall = cpu_seconds() - cpu0, time.time() - wall0
        sigma = attributor.input_cfg['sigma']
        for row, item in enumerate(items):
            # smoothing is linear and the same for every channel, so the
            # smoothed mask is the smoothed channel mean of sigmoid(alpha)
            smoothed = smooth2d(result.input_masks[row][None, None], sigma)[0, 0]
            maps = dict(input=result.input_masks[row], smoothed=smoothed,
                        feat=result.feat_masks[row],
                        **{k: v[row] for k, v in result.extras.items()})
            np.savez(osp.join(out, item['name'] + '.npz'),
                     **{k: v.numpy().astype(np.float32) for k, v in maps.items()},
                     target=int(targets[row]), cpu_seconds=cpu / len(items),
                     wall_seconds=wall / len(items))
        print(f'{args.name} seed {args.seed}: {pos + len(items)}/{len(todo)} '
              f'({cpu / len(items):.1f} CPU s per image)', flush=True)
    with open(osp.join(out, 'run.json'), 'w') as f:
        json.dump(dict(cfg_options=args.cfg_options, threads=args.threads,
                       batch_size=args.batch_size), f)


def score_masks(evaluators, dataset, masks, targets):
    scores = {}
    for i in range(len(dataset)):
        item = dataset[i]
        name = item['name']
        if name not in masks:
            continue
        rec = {}
        for ev in evaluators:
            r = ev.evaluate_sample(item, masks[name], targets[name])
            if r is not None:
                rec.update({k: r[k] for k in METRICS if k in r})
        scores[name] = rec
    return scores


def score(args):
    torch.set_num_threads(args.threads)
    cfg, model, attributor, dataset = setup(None)
    adapter = config_adapter(cfg)
    evaluators = [InsertionDeletion(model, adapter, batch_size=16,
                                    pixels_per_step=args.pixels_per_step),
                  EffectiveHeatRatio(), PointingGame()]
    path = osp.join(args.out, 'scores.json')
    done = json.load(open(path)) if osp.isfile(path) else {}
    ref = reference_masks()
    targets = {}
    for i in range(len(dataset)):
        item = dataset[i]
        targets[item['name']] = int(attributor.predict(item['inputs'][None]).argmax())
    if 'reference' not in done:
        done['reference'] = score_masks(
            evaluators, dataset, ref, targets)
    for run_dir in sorted(glob.glob(osp.join(args.out, 'runs', '*'))):
        files = glob.glob(osp.join(run_dir, '*.npz'))
        if not files:
            continue
        kinds = [k for k in np.load(files[0]).files
                 if k not in ('target', 'cpu_seconds', 'wall_seconds')
                 and (not args.kinds or k in args.kinds)]
        data = {osp.basename(f)[:-4]: np.load(f) for f in files}
        for kind in kinds:
            key = f'{osp.basename(run_dir)}:{kind}'
            if key in done and len(done[key]) == len(files):
                continue
            done[key] = score_masks(evaluators, dataset,
                                    {n: d[kind] for n, d in data.items()}, targets)
            for n, d in data.items():
                done[key][n]['cpu_seconds'] = float(d['cpu_seconds'])
            print('scored', key, flush=True)
            with open(path, 'w') as f:
                json.dump(done, f)
    with open(path, 'w') as f:
        json.dump(done, f)


def mean_half(values):
    """Mean and half-width of the 95% interval (evaluation.base.mean_ci)."""
    summary = mean_ci(values)
    if summary['mean'] is None:
        return float('nan'), 0.0
    return summary['mean'], summary['mean'] - summary['ci95'][0]


def load_masks(out, run_name, kind):
    files = glob.glob(osp.join(out, 'runs', run_name, '*.npz'))
    return {osp.basename(f)[:-4]: np.load(f)[kind] for f in files}


def seed_stability(out, run_name, kind, a):
    """Mean Spearman correlation between this run's masks ``a`` and the
    same schedule's run with the next seed (None when there is none)."""
    name, _, seed = run_name.rpartition('-seed')
    other = f'{name}-seed{int(seed) + 1}'
    if not osp.isdir(osp.join(out, 'runs', other)):
        return None
    b = load_masks(out, other, kind)
    common = sorted(set(a) & set(b))
    if not common:
        return None
    return float(np.mean([spearmanr(a[n].ravel(), b[n].ravel())[0] for n in common]))


def table(args):
    """One row per run and mask kind: CPU s per image, each metric (mean ±
    95% CI over images), the paired difference to ``--against`` (mean ±
    95% CI over the images both have), the Spearman correlation with the
    next seed's masks and with the reference masks."""
    scores = json.load(open(osp.join(args.out, 'scores.json')))
    ref = reference_masks()
    base = scores[args.against]
    print('| masks | n | CPU s/img | ' + ' | '.join(METRICS)
          + f' | Δ vs {args.against}: ' + ' | '.join(METRICS)
          + ' | ρ next seed | ρ reference |')
    print('|---|' + '---:|' * (2 * len(METRICS) + 4))
    for key, per in scores.items():
        run_name, _, kind = key.partition(':')
        if args.kinds and kind and kind not in args.kinds:
            continue
        names = sorted(per)
        cells, deltas = [], []
        for metric in METRICS:
            m, h = mean_half([per[n][metric] for n in names if metric in per[n]])
            cells.append(f'{m:.3f} ± {h:.3f}')
            d = [per[n][metric] - base[n][metric] for n in names
                 if metric in per[n] and metric in base.get(n, {})]
            m, h = mean_half(d) if len(d) > 1 else (float('nan'), 0)
            deltas.append(f'{m:+.3f} ± {h:.3f}')
        cpu = np.nanmean([per[n].get('cpu_seconds', np.nan) for n in names])
        stab = rho = '-'
        if key != 'reference':
            masks = load_masks(args.out, run_name, kind)
            rho = f"{np.mean([spearmanr(masks[n].ravel(), ref[n].ravel())[0] for n in masks]):.2f}"
            value = seed_stability(args.out, run_name, kind, masks)
            stab = '-' if value is None else f'{value:.2f}'
        print(f'| {key} | {len(names)} | {cpu:.1f} | ' + ' | '.join(cells) + ' | '
              + ' | '.join(deltas) + f' | {stab} | {rho} |')


def plot(args):
    """Insertion and deletion AUC (mean and 95% CI over images) against
    the CPU seconds per image: each run's smoothed masks (the default
    output, dots) and its sigmoid(alpha) (crosses); the reference's masks
    as a grey band."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    scores = json.load(open(osp.join(args.out, 'scores.json')))
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    colours = {}
    for key, per in scores.items():
        run_name, _, kind = key.partition(':')
        if kind not in ('', 'smoothed', 'input'):
            continue
        cpu = np.nanmean([r.get('cpu_seconds', np.nan) for r in per.values()])
        for ax, metric in zip(axes, ('insertion_auc', 'deletion_auc')):
            m, h = mean_half([r[metric] for r in per.values()])
            if key == 'reference':
                ax.axhspan(m - h, m + h, color='grey', alpha=0.2)
                ax.axhline(m, color='grey', label='reference masks')
                continue
            colour = colours.setdefault(run_name, f'C{len(colours) % 10}')
            ax.errorbar(cpu, m, yerr=h, fmt='o' if kind == 'smoothed' else 'x',
                        color=colour, capsize=3,
                        label=run_name if kind == 'smoothed' else None)
    for ax, metric in zip(axes, ('insertion AUC (higher is better)',
                                 'deletion AUC (lower is better)')):
        ax.set_xscale('log')
        ax.set_xlabel('CPU seconds per image (one thread)')
        ax.set_ylabel(metric)
    axes[0].legend(fontsize=7)
    fig.suptitle('InputIBA on 18 ImageNet images: smoothed output (dots), '
                 'sigmoid(alpha) (crosses)', fontsize=9)
    fig.tight_layout()
    fig.savefig(args.figure, dpi=120)
    print('wrote', args.figure)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('command', choices=('run', 'score', 'table', 'plot'))
    parser.add_argument('--figure', default='docs/figures/input_iba_quality_cost.png')
    parser.add_argument('--name', default='published')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', default='work_dirs/input_iba_quality')
    parser.add_argument('--images', type=int, nargs='*')
    parser.add_argument('--batch-size', type=int, default=1)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--pixels-per-step', type=int, default=3584)
    parser.add_argument('--against', default='reference')
    parser.add_argument('--kinds', nargs='*', default=['smoothed'],
                        help='mask kinds in the table (input, smoothed, feat, '
                        'gen_masks); none: all')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args()
    dict(run=run, score=score, table=table, plot=plot)[args.command](args)


if __name__ == '__main__':
    main()
