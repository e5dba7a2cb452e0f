"""InputIBA's mask quality against its cost, and against the reference masks.

``run`` attributes the 68 ImageNet images with boxes and reference masks
(imagenet/ + imagenet_dev/) with EfficientNet-Lite0 at ``blocks.2`` (the
predicted class, estimation on the same 68: the setting of
``reference_masks/``) for one schedule and seed, storing sigmoid(alpha)
(``input``, what the reference returns) and the smoothed mask (``smoothed``,
the default output) of the same optimisation, and the CPU seconds per image;
``score`` evaluates every finished run and the reference's masks with the
same evaluators: the paper's EHR, insertion/deletion with the reference's
protocol, the pointing game, and the project's variants (heat-share EHR,
insertion/deletion with the project protocol, energy in box); ``table``
prints the metrics with the seed-to-seed spread and the paired differences
to the reference (95% CIs, images better/worse); ``agreement`` gives how
alike the masks themselves are: each run's Spearman rho to one run's masks
per image (e.g. ``--against fast-seed0``: a second seed's rho is the
seed-to-seed spread)::

    python -m benchmarks.quality.input_iba_quality run --name fast --seed 0
    python -m benchmarks.quality.input_iba_quality run --name in60 --seed 0 \\
        --cfg-options attributor.input_iba.steps=60
    python -m benchmarks.quality.input_iba_quality score
    python -m benchmarks.quality.input_iba_quality table
"""
import glob
import json
import os
import os.path as osp
from typing import Optional, Sequence

import numpy as np
import torch

from benchmarks.common import benchmark_parser, parse_args, smoke_options
from input_iba.apis.builders import (
    build_attributor,
    build_dataset,
    build_model,
    config_adapter,
    load_config,
    prepare_statistics,
)
from input_iba.empirical_explainer.evaluation import sample_spearman
from input_iba.engine import attribute_dataset
from input_iba.evaluation.base import mean_ci
from input_iba.evaluation.vision.boxes import boxes_to_mask
from input_iba.evaluation.vision.effective_heat_ratio import EffectiveHeatRatio
from input_iba.evaluation.vision.effective_heat_share import EffectiveHeatShare
from input_iba.evaluation.vision.insertion_deletion import InsertionDeletion
from input_iba.evaluation.vision.pointing_game import PointingGame
from input_iba.models.bottlenecks import smooth2d
from input_iba.utils import default_data_root
from input_iba.utils.layout import WorkDir

CONFIG = 'configs/input_iba/efficientnet_lite0_imagenet68.py'
REFERENCES = [osp.join('reference_masks', f'inputiba_reference_efficientnet_lite0{part}.npz')
              for part in ('', '_dev')]


def reference_masks():
    """The reference implementation's masks of the 68 images, by name."""
    masks = {}
    for path in REFERENCES:
        with np.load(osp.join(default_data_root(), path)) as ref:
            masks.update({k: ref[k].astype(np.float32) for k in ref.files})
    return masks


def setup(cfg_options):
    cfg = load_config(CONFIG, cfg_options)
    model = build_model(cfg.model)
    attributor = build_attributor(cfg.attributor, model, config_adapter(cfg))
    dataset = build_dataset(cfg.data.attribute)
    return cfg, model, attributor, dataset


def run(args):
    out = osp.join(args.work_dir, 'runs', f'{args.name}-seed{args.seed}')
    os.makedirs(out, exist_ok=True)
    # the raw sigmoid(alpha) is stored as 'input' and the default output,
    # the smoothed mask, is derived from it as 'smoothed'
    cfg, model, attributor, dataset = setup(dict(
        args.cfg_options, **{'attributor.input_mask': 'sigmoid'},
        **(smoke_options() if args.smoke else {})))
    cfg.data.num_estimation_samples = len(dataset)
    prepare_statistics(cfg, attributor, osp.join(args.work_dir, 'cache'))
    indices = args.images or list(range(len(dataset)))
    todo = [i for i in indices
            if not osp.isfile(osp.join(out, dataset.sample_name(i) + '.npz'))]
    sigma = attributor.input_cfg['sigma']

    def save(index, attributed, row):
        result = attributed.result
        # smoothing is linear and the same for every channel, so the
        # smoothed mask is the smoothed channel mean of sigmoid(alpha)
        smoothed = smooth2d(result.input_masks[row][None, None], sigma)[0, 0]
        maps = dict(input=result.input_masks[row], smoothed=smoothed,
                    feat=result.feat_masks[row],
                    **{k: v[row] for k, v in result.extras.items()})
        np.savez(osp.join(out, attributed.items[row]['name'] + '.npz'),
                 **{k: v.numpy().astype(np.float32) for k, v in maps.items()},
                 target=int(attributed.targets[row]), cpu_seconds=attributed.cpu_seconds,
                 wall_seconds=attributed.seconds)

    attribute_dataset(attributor, dataset, todo, args.batch_size, save, seed=args.seed,
                      targets='prediction', desc=f'{args.name} seed {args.seed}')
    with open(WorkDir(out).record, 'w') as f:
        json.dump(dict(cfg_options=args.cfg_options, threads=args.threads,
                       batch_size=args.batch_size), f)


def box_energy(mask, boxes):
    """The share of the map's (non-negative) heat inside the boxes: the
    energy-based pointing game (Wang et al., 2020)."""
    heat = np.clip(np.asarray(mask, dtype=np.float64), 0, None)
    total = heat.sum()
    return float(heat[boxes_to_mask(boxes, heat.shape)].sum() / total) if total > 0 else 0.0


# metric -> (record key of its evaluator, title, higher is better)
METRICS = dict(ehr=('ehr', 'EHR (paper)', True),
               ins_ref=('insertion_auc', 'insertion (ref.)', True),
               del_ref=('deletion_auc', 'deletion (ref.)', False),
               hit=('hit', 'pointing', True),
               ehr_share=('ehr_share', 'EHR (share)', True),
               ins=('insertion_auc', 'insertion (project)', True),
               dele=('deletion_auc', 'deletion (project)', False),
               energy=(None, 'energy in box', True))
EVALUATED_BY = dict(ehr='ehr', ins_ref='reference', del_ref='reference', hit='pointing',
                    ehr_share='ehr_share', ins='project', dele='project')


def build_evaluators(model, adapter, args):
    return dict(
        reference=InsertionDeletion(model, adapter, batch_size=16, protocol='reference',
                                    pixels_per_step=args.reference_pixels_per_step),
        project=InsertionDeletion(model, adapter, batch_size=16,
                                  pixels_per_step=args.pixels_per_step),
        ehr=EffectiveHeatRatio(), ehr_share=EffectiveHeatShare(), pointing=PointingGame())


def score_masks(evaluators, items, masks, targets, known=None):
    """``{name: {metric: value}}`` for the masks of the items that have one
    (a metric that skips a sample, e.g. EHR on a large box, is absent).
    Metrics already in ``known`` are kept; only the evaluators that owe a
    metric run."""
    scores = {}
    for item in items:
        name = item['name']
        if name not in masks:
            continue
        rec = dict((known or {}).get(name, {}))
        if 'energy' not in rec:
            rec['energy'] = box_energy(masks[name], item['boxes'])
        owed = {EVALUATED_BY[m] for m in EVALUATED_BY if m not in rec}
        for by in owed:
            record = evaluators[by].evaluate_sample(item, masks[name], targets[name])
            for metric in (m for m, b in EVALUATED_BY.items() if b == by):
                if record is not None:
                    rec[metric] = record[METRICS[metric][0]]
        scores[name] = rec
    return scores


def score(args):
    cfg, model, attributor, dataset = setup(None)
    evaluators = build_evaluators(model, config_adapter(cfg), args)
    path = osp.join(args.work_dir, args.scores_file)
    done = json.load(open(path)) if osp.isfile(path) else {}
    items = [dataset[i] for i in (args.images or range(len(dataset)))]
    targets = {it['name']: int(attributor.predict(it['inputs'][None]).argmax()) for it in items}

    def save():
        with open(path + '.tmp', 'w') as f:
            json.dump(done, f)
        os.replace(path + '.tmp', path)

    for per in done.values():
        for rec in per.values():
            for metric in args.recompute:
                rec.pop(metric, None)
    done['reference'] = score_masks(evaluators, items, reference_masks(), targets,
                                    done.get('reference'))
    save()
    for run_dir in sorted(glob.glob(osp.join(args.work_dir, 'runs', '*'))):
        files = sorted(glob.glob(osp.join(run_dir, '*.npz')))
        data = {osp.basename(f)[:-4]: np.load(f) for f in files}
        if any(it['name'] not in data for it in items) and not args.partial:
            continue
        data = {it['name']: data[it['name']] for it in items if it['name'] in data}
        for kind in args.kinds:
            key = f'{osp.basename(run_dir)}:{kind}'
            done[key] = score_masks(evaluators, items,
                                    {n: d[kind] for n, d in data.items()}, targets,
                                    done.get(key))
            for n, d in data.items():
                done[key][n]['cpu_seconds'] = float(d['cpu_seconds'])
            print('scored', key, flush=True)
            save()


def mean_half(values):
    """Mean and half-width of the 95% interval (evaluation.base.mean_ci)."""
    summary = mean_ci(values)
    if summary['mean'] is None:
        return float('nan'), 0.0
    return summary['mean'], summary['mean'] - summary['ci95'][0]


def seed_groups(scores, kinds):
    """``{(schedule, kind): {seed: per-image scores}}`` of the scored runs."""
    groups = {}
    for key, per in scores.items():
        if key == 'reference':
            continue
        run_name, _, kind = key.partition(':')
        name, _, seed = run_name.rpartition('-seed')
        if kind in kinds:
            groups.setdefault((name, kind), {})[int(seed)] = per
    return groups


def seed_average(per_seed, metric):
    """Per image, the metric averaged over the seeds that scored it."""
    names = set.intersection(*(set(p) for p in per_seed.values()))
    out = {}
    for n in names:
        values = [p[n][metric] for p in per_seed.values() if metric in p[n]]
        if values:
            out[n] = float(np.mean(values))
    return out


def table(args):
    """Two markdown tables: the metrics of each schedule and output (mean
    over the images of the seed-averaged scores; the seed-to-seed spread is
    the range of the per-seed means), and the paired differences per image to
    the reference's masks, or to the run ``--against`` (``name:kind``, its
    seed-averaged scores): mean, 95% CI, images better / worse. With
    ``--per-seed`` each seed of a schedule is a row of its own (a second
    seed against the first is the seed-to-seed spread, paired per image)."""
    scores = json.load(open(osp.join(args.work_dir, args.scores_file)))
    ref = scores['reference']
    groups = seed_groups(scores, args.kinds)
    against = ref
    if args.against != 'reference':
        name, _, kind = args.against.partition(':')
        if (name, kind) not in groups:
            raise KeyError(f'--against {args.against}: no scored run of that name and kind; '
                           f'scored: {sorted(f"{n}:{k}" for n, k in groups)}.')
        per_seed = groups[(name, kind)]
        against = {}
        for m in METRICS:
            for image, value in seed_average(per_seed, m).items():
                against.setdefault(image, {})[m] = value
    if args.per_seed:
        groups = {(f'{name}-seed{seed}', kind): {seed: per}
                  for (name, kind), per_seed in groups.items() for seed, per in per_seed.items()}
    metrics = list(METRICS)
    print('| masks | seeds | CPU s/img | ' + ' | '.join(
        METRICS[m][1] + (' ↑' if METRICS[m][2] else ' ↓') for m in metrics) + ' |')
    print('|---|---:|---:|' + '---:|' * len(metrics))
    ref_cells = [f'{mean_half(v.get(m) for v in ref.values())[0]:.3f}' for m in metrics]
    print('| reference InputIBA | - | - | ' + ' | '.join(ref_cells) + ' |')
    for (name, kind), per_seed in sorted(groups.items()):
        cells = []
        for m in metrics:
            means = [mean_half(p[n].get(m) for n in p)[0] for p in per_seed.values()]
            spread = f' (±{(max(means) - min(means)) / 2:.3f})' if len(means) > 1 else ''
            cells.append(f'{np.mean(means):.3f}{spread}')
        cpu = np.mean([r.get('cpu_seconds', np.nan) for p in per_seed.values()
                       for r in p.values()])
        print(f'| {name}: {kind} | {len(per_seed)} | {cpu:.1f} | ' + ' | '.join(cells) + ' |')
    print()
    print(f'| masks − {args.against} | ' + ' | '.join(METRICS[m][1] for m in metrics) + ' |')
    print('|---|' + '---:|' * len(metrics))
    for (name, kind), per_seed in sorted(groups.items()):
        cells = []
        for m in metrics:
            ours = seed_average(per_seed, m)
            common = [n for n in ours if m in against.get(n, {})]
            diffs = np.array([ours[n] - against[n][m] for n in common])
            if len(diffs) < 2:
                cells.append('-')
                continue
            mean, half = mean_half(diffs)
            sign = 1 if METRICS[m][2] else -1
            better, worse = int((sign * diffs > 0).sum()), int((sign * diffs < 0).sum())
            cells.append(f'{mean:+.3f} ± {half:.3f} ({better}/{worse}, n={len(diffs)})')
        print(f'| {name}: {kind} | ' + ' | '.join(cells) + ' |')


def agreement(args):
    """Per image, the Spearman rho of each finished run's maps (each of
    ``--kinds``) to the same kind of map of the run ``--against`` (a run
    directory's name, e.g. ``fast-seed0``): mean and 95% CI, and n."""
    def load(run_dir, kind):
        return {osp.basename(f)[:-4]: np.load(f)[kind]
                for f in sorted(glob.glob(osp.join(run_dir, '*.npz')))}
    against_dir = osp.join(args.work_dir, 'runs', args.against)
    if not glob.glob(osp.join(against_dir, '*.npz')):
        raise FileNotFoundError(f'--against {args.against}: no masks in {against_dir}; '
                                'name a run directory under runs/ (e.g. fast-seed0).')
    print(f'| masks | Spearman ρ to {args.against} | images |')
    print('|---|---:|---:|')
    for kind in args.kinds:
        against = {n: torch.from_numpy(m) for n, m in load(against_dir, kind).items()}
        for run_dir in sorted(glob.glob(osp.join(args.work_dir, 'runs', '*'))):
            maps = {n: m for n, m in load(run_dir, kind).items() if n in against}
            rho = mean_ci(list(sample_spearman(maps, against).values()))
            if rho['n']:
                half = rho['mean'] - rho['ci95'][0]
                print(f'| {osp.basename(run_dir)}: {kind} | {rho["mean"]:.3f} ± {half:.3f} '
                      f'| {rho["n"]} |')


def plot(args):
    """Insertion and deletion AUC (mean and 95% CI over images) against
    the CPU seconds per image: each run's smoothed masks (the default
    output, dots) and its sigmoid(alpha) (crosses); the reference's masks
    as a grey band."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    scores = json.load(open(osp.join(args.work_dir, args.scores_file)))
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    colours = {}
    for key, per in scores.items():
        run_name, _, kind = key.partition(':')
        if kind not in ('', 'smoothed', 'input'):
            continue
        cpu = np.nanmean([r.get('cpu_seconds', np.nan) for r in per.values()])
        for ax, metric in zip(axes, ('ins_ref', 'del_ref')):
            m, h = mean_half([r[metric] for r in per.values()])
            if key == 'reference':
                ax.axhspan(m - h, m + h, color='grey', alpha=0.2)
                ax.axhline(m, color='grey', label='reference masks')
                continue
            colour = colours.setdefault(run_name, f'C{len(colours) % 10}')
            ax.errorbar(cpu, m, yerr=h, fmt='o' if kind == 'smoothed' else 'x',
                        color=colour, capsize=3,
                        label=run_name if kind == 'smoothed' else None)
    for ax, metric in zip(axes, ('insertion AUC, reference protocol (higher is better)',
                                 'deletion AUC, reference protocol (lower is better)')):
        ax.set_xscale('log')
        ax.set_xlabel('CPU seconds per image (one thread)')
        ax.set_ylabel(metric)
    axes[0].legend(fontsize=7)
    fig.suptitle('InputIBA on 68 ImageNet images: smoothed output (dots), '
                 'sigmoid(alpha) (crosses)', fontsize=9)
    fig.tight_layout()
    fig.savefig(args.figure, dpi=120)
    print('wrote', args.figure)


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = benchmark_parser(
        __doc__, work_dir='the runs, the statistics cache and the scores',
        default_work_dir='work_dirs/input_iba_quality', cfg_options=True,
        smoke='run: 2 steps on 2 noise copies per stage (benchmarks.common); '
        'score: insertion/deletion in 4 steps')
    parser.add_argument('command', choices=('run', 'score', 'table', 'agreement', 'plot'))
    parser.add_argument('--figure', default='docs/figures/input_iba_quality_cost.png')
    parser.add_argument('--name', default='published')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--images', type=int, nargs='*')
    parser.add_argument('--batch-size', type=int, default=1)
    parser.add_argument('--pixels-per-step', type=int, default=3584,
                        help="the project protocol's insertion/deletion step")
    parser.add_argument('--reference-pixels-per-step', type=int, default=1120,
                        help="the reference protocol's step (its own: 10; 1120 changes "
                        'the AUCs by less than the paired CIs: docs/results/input_iba_quality.md)')
    parser.add_argument('--recompute', nargs='+', default=[], choices=list(METRICS),
                        help='metrics to score again (e.g. after a change of their definition)')
    parser.add_argument('--scores-file', default='scores.json',
                        help='where score writes and table reads, under --work-dir')
    parser.add_argument('--partial', action='store_true',
                        help='score runs that have not finished every image')
    parser.add_argument('--against', default='reference',
                        help="table: the masks of the paired differences, 'reference' or "
                        "a scored run as name:kind (e.g. fast:smoothed); agreement: a run "
                        "directory's name (e.g. fast-seed0)")
    parser.add_argument('--per-seed', action='store_true',
                        help='table: a row per seed instead of the seed average')
    parser.add_argument('--kinds', nargs='+', default=['smoothed', 'input'],
                        help='mask kinds scored and shown (input = sigmoid(alpha), '
                        'smoothed, feat, gen_masks)')
    args = parse_args(parser, argv)
    if args.smoke:
        args.pixels_per_step = args.reference_pixels_per_step = 224 * 56
    dict(run=run, score=score, table=table, agreement=agreement,
         plot=plot)[args.command](args)


if __name__ == '__main__':
    main()
