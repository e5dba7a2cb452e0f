"""Markdown tables of evaluation summaries: mean ± 95% CI per method and
metric, and paired per-sample differences against a reference method; the
columns are those each metric declares (:mod:`.catalogue`)."""
import glob
import json
import os.path as osp

from input_iba.utils.layout import WorkDir

from .base import mean_ci
from .catalogue import metric


def format_cell(stats):
    """``'mean ± half-width of the 95% CI'``, or ``'n/a'``."""
    if not stats or stats.get('mean') is None:
        return 'n/a'
    half = (stats['ci95'][1] - stats['ci95'][0]) / 2
    return f"{stats['mean']:.3f} ± {half:.3f}"


def sample_counts(by_metric, metrics):
    """The largest sample count, with the metrics that used fewer (e.g. EHR
    skips images whose boxes cover over a third of them): '18 (EHR 6)'."""
    counts = {m: by_metric[m].get('num_samples', 0) for m in metrics}
    n = max(counts.values(), default=0)
    fewer = [f'{metric(m).columns[0][1]} {c}' for m, c in counts.items() if c != n]
    return f"{n} ({', '.join(fewer)})" if fewer else str(n)


def _titles(metrics):
    """The column titles with their direction, joined by ``' | '``."""
    return ' | '.join(f"{title} {'↑' if up else '↓'}"
                      for m in metrics for _, title, up in metric(m).columns)


def markdown_table(summaries, metrics):
    """Rows: methods; columns: the metrics' summary keys (mean ± 95% CI)."""
    cols = [c for m in metrics for c in metric(m).columns]
    lines = [f'| method | {_titles(metrics)} | n |',
             '|---|' + '---:|' * (len(cols) + 1)]
    for method, by_metric in summaries.items():
        cells = [format_cell(by_metric[m].get(key)) for m in metrics
                 for key, _, _ in metric(m).columns]
        counts = sample_counts(by_metric, metrics)
        lines.append(f'| {method} | ' + ' | '.join(cells) + f' | {counts} |')
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
    cols = [c for m in metrics for c in metric(m).columns]
    lines = [f'| {reference} minus | {_titles(metrics)} |', '|---|' + '---:|' * len(cols)]
    evals = {m: WorkDir(osp.join(work_dir, m)).eval_dir() for m in methods}
    for method in methods:
        if method == reference:
            continue
        cells = []
        for name in metrics:
            for key, _, up in metric(name).columns:
                ref = per_sample(evals[reference], name, key)
                other = per_sample(evals[method], name, key)
                diffs = [ref[n] - other[n] for n in sorted(set(ref) & set(other))]
                better = sum((d > 0) if up else (d < 0) for d in diffs)
                cells.append('n/a' if not diffs else
                             f'{format_cell(mean_ci(diffs))} ({better}/{len(diffs)} better)')
        lines.append(f'| {method} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)
