"""The command line of tools/vision/compare.py: several attributors, several
metrics, one table."""
import glob
import json
import os
import os.path as osp

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from input_iba.datasets import load_items  # noqa: E402
from input_iba.evaluation.base import mean_ci  # noqa: E402
from input_iba.evaluation.plots import plot_metric  # noqa: E402
from input_iba.utils import set_global_seed  # noqa: E402
from input_iba.utils import save_text  # noqa: E402

from .builders import (build_attributor, build_dataset, build_model,  # noqa: E402
                       build_visualizer, load_config, prepare_statistics)
from .cli import resolve_device, tool_parser  # noqa: E402
from .evaluate_tool import build_evaluator  # noqa: E402
from .runner import run_attribution  # noqa: E402

# metric -> [(summary key, column title, higher is better)]
COLUMNS = dict(
    insertion_deletion=[('insertion_auc', 'insertion AUC', True),
                        ('deletion_auc', 'deletion AUC', False)],
    sensitivity_n=[('mean_correlation', 'sensitivity-N', True)],
    ehr=[('ehr', 'EHR', True)],
    pointing_game=[('hit', 'pointing game', True)],
    sanity_check=[('repeat_ssim', 'SSIM of a re-run (control)', True),
                  ('final_ssim', 'SSIM after randomisation', False)],
    eraser=[('comprehensiveness', 'comprehensiveness', True),
            ('sufficiency', 'sufficiency', False)],
    rationale_agreement=[('token_f1', 'token F1', True), ('iou_f1', 'IOU F1', True),
                         ('auprc', 'AUPRC', True)],
    text_insertion_deletion=[('insertion_auc', 'insertion AUC', True),
                             ('deletion_auc', 'deletion AUC', False)],
    text_sensitivity_n=[('mean_correlation', 'sensitivity-N', True)],
)


def format_cell(stats):
    if not stats or stats.get('mean') is None:
        return 'n/a'
    half = (stats['ci95'][1] - stats['ci95'][0]) / 2
    return f"{stats['mean']:.3f} ± {half:.3f}"


def sample_counts(by_metric, metrics):
    """The largest sample count, with the metrics that used fewer (e.g. EHR
    skips images whose boxes cover over a third of them): '18 (EHR 6)'."""
    counts = {m: by_metric[m].get('num_samples', 0) for m in metrics}
    n = max(counts.values(), default=0)
    fewer = [f'{COLUMNS[m][0][1]} {c}' for m, c in counts.items() if c != n]
    return f"{n} ({', '.join(fewer)})" if fewer else str(n)


def markdown_table(summaries, metrics):
    """Rows: methods; columns: the metrics' summary keys (mean ± 95% CI)."""
    cols = [c for m in metrics for c in COLUMNS[m]]
    lines = ['| method | ' + ' | '.join(
        f"{title} {'↑' if up else '↓'}" for _, title, up in cols) + ' | n |',
             '|---|' + '---:|' * (len(cols) + 1)]
    for method, by_metric in summaries.items():
        cells = [format_cell(by_metric[m].get(key)) for m in metrics
                 for key, _, _ in COLUMNS[m]]
        lines.append(f'| {method} | ' + ' | '.join(cells) + f' | {sample_counts(by_metric, metrics)} |')
    return '\n'.join(lines)


def per_sample(eval_dir, metric, key):
    """``{sample name: value}`` from an evaluator's per-sample JSON files."""
    values = {}
    for path in glob.glob(osp.join(eval_dir, metric, '*.json')):
        with open(path) as f:
            record = json.load(f)
        if record.get(key) is not None:
            values[record['name']] = record[key]
    return values


def paired_table(work_dir, methods, metrics, reference):
    """``reference`` minus each other method, per sample, on the samples both
    have: mean ± 95% CI of the difference and on how many samples the
    reference is better. Pairing removes the spread between images, which
    dominates the per-method intervals."""
    cols = [c for m in metrics for c in COLUMNS[m]]
    lines = [f'| {reference} minus | ' + ' | '.join(
        f"{title} {'↑' if up else '↓'}" for _, title, up in cols) + ' |',
             '|---|' + '---:|' * len(cols)]
    evals = {m: osp.join(work_dir, m, 'eval_input_masks') for m in methods}
    for method in methods:
        if method == reference:
            continue
        cells = []
        for metric in metrics:
            for key, _, up in COLUMNS[metric]:
                ref = per_sample(evals[reference], metric, key)
                other = per_sample(evals[method], metric, key)
                diffs = [ref[n] - other[n] for n in sorted(set(ref) & set(other))]
                stats = mean_ci(diffs)
                better = sum((d > 0) if up else (d < 0) for d in diffs)
                cells.append('n/a' if not diffs else
                             f'{format_cell(stats)} ({better}/{len(diffs)} better)')
        lines.append(f'| {method} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def mask_grid(work_dir, methods, dataset, count, out_file):
    """Images (rows) by methods (columns), each mask over its image; samples
    that cannot be loaded are left out, and datasets without images (text)
    get no grid."""
    items = []
    for i in range(len(dataset)):
        items += load_items(dataset, [i], on_error=lambda *_: None)
        if len(items) == count:
            break
    if not items or 'image' not in items[0]:
        return  # text runs have an HTML page per document instead
    count = len(items)
    fig, axes = plt.subplots(count, len(methods) + 1,
                             figsize=(2.2 * (len(methods) + 1), 2.2 * count),
                             squeeze=False)
    for row, item in enumerate(items):
        axes[row, 0].imshow(item['image'])
        for col, method in enumerate(methods, start=1):
            path = osp.join(work_dir, method, 'input_masks', item['name'] + '.npy')
            if osp.isfile(path):
                axes[row, col].imshow(item['image'])
                axes[row, col].imshow(np.load(path), cmap='jet', alpha=0.55)
            if row == 0:
                axes[row, col].set_title(method, fontsize=9)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(out_file, dpi=70)
    plt.close(fig)


def main(description, argv=None):
    parser = tool_parser(description)
    parser.add_argument('--num-samples', type=int, default=None)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)
    args.device = resolve_device(args.device)
    set_global_seed(getattr(args, 'seed', 0))
    cfg = load_config(args.config, args.cfg_options,
                      required=('model', 'data', 'methods', 'metrics'))
    os.makedirs(args.work_dir, exist_ok=True)
    model = build_model(cfg.model, args.device)
    dataset = build_dataset(cfg.data.attribute)
    count = len(dataset) if args.num_samples is None else min(args.num_samples,
                                                               len(dataset))
    visualizer = build_visualizer(cfg.visualizer)
    summaries = {}
    for method, att_cfg in cfg.methods.items():
        run_dir = osp.join(args.work_dir, method)
        attributor = build_attributor(att_cfg, model)
        prepare_statistics(cfg, attributor, args.work_dir)
        batch_size = cfg.get('batch_sizes', {}).get(method, 1)
        run_attribution(attributor, dataset, run_dir, visualizer, batch_size,
                        args.seed, range(count))
        summaries[method] = {}
        for metric in cfg.metrics:
            evaluator = build_evaluator(cfg, metric, model, att_cfg)
            summaries[method][metric] = evaluator.run(
                dataset, osp.join(run_dir, 'input_masks'),
                osp.join(run_dir, 'eval_input_masks'), range(count))
    table = markdown_table(summaries, cfg.metrics)
    reference = cfg.get('paired_reference')
    if reference is not None:
        if reference not in cfg.methods:
            raise KeyError(f'paired_reference {reference!r} is not one of the '
                           f'methods {list(cfg.methods)}.')
        table += '\n\nPaired differences (per sample):\n\n' + paired_table(
            args.work_dir, list(cfg.methods), cfg.metrics, reference)
    save_text(osp.join(args.work_dir, 'table.md'), table + '\n')
    mask_grid(args.work_dir, list(cfg.methods), dataset,
              cfg.get('figure_samples', 4), osp.join(args.work_dir, 'masks.png'))
    for metric in cfg.metrics:
        fig, ax = plt.subplots(figsize=(6, 4))
        drawn = [plot_metric(osp.join(args.work_dir, m, 'eval_input_masks'),
                             metric, label=m, ax=ax) for m in cfg.methods]
        if any(d is not None for d in drawn):
            fig.tight_layout()
            fig.savefig(osp.join(args.work_dir, f'{metric}.png'), dpi=100)
        plt.close(fig)
    print(table)
    print(f'Table, masks.png and curves in {args.work_dir}')
    return summaries
