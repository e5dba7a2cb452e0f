"""The report of a ROAR study: RACU with bootstrap intervals under both
aggregations over seeds (Markdown tables) and the score curves."""
import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .racu import AGGREGATIONS, racu_with_ci  # noqa: E402

METRIC_NAMES = dict(accuracy='test accuracy', macro_f1='test macro-F1')


def summarise(results, ks):
    """RACU of every measure against ``random``, for every metric of
    ``results`` (``{metric: {measure: {seed: {k: score}}}}``) and both
    aggregations (:func:`racu_with_ci`). Returns a Markdown table per metric
    and ``{metric: {measure: {aggregation: dict(racu, ci95)}}}``; no RACU
    (a note, empty rows) when ``ks`` stops short of 100%: its floor is the
    fully masked score, and the area to an earlier level has no meaning."""
    if max(ks) < 100:
        return (f'No RACU: the levels end at {max(ks)}%, and RACU normalises by the area down '
                'to the fully masked score (add 100 to roar.ks); the scores at each level are '
                'in curves.md.'), {metric: {} for metric in results}
    grid = [0] + list(ks)
    tables, rows = [], {}
    for metric, curves in results.items():
        seeds = sorted(curves['random'])

        def runs(measure):
            return [[curves[measure][s][k] for k in grid] for s in seeds]

        rows[metric] = {}
        table = [f'RACU of the {METRIC_NAMES.get(metric, metric)}:', '',
                 '| measure | RACU (mean curves) | 95% CI (percentile) '
                 '| RACU (reference: clipped, mean of seeds) | 95% CI (BCa) | seeds |',
                 '|---|---:|---:|---:|---:|---:|']
        for measure in curves:
            if measure == 'random':
                continue
            stats = {agg: racu_with_ci(grid, runs(measure), runs('random'), aggregate=agg)
                     for agg in AGGREGATIONS}
            rows[metric][measure] = stats
            cells = ' | '.join(f"{_pct(s['racu'])} | [{_pct(s['ci95'][0])}, {_pct(s['ci95'][1])}]"
                               for s in stats.values())
            table.append(f'| {measure} | {cells} | {len(seeds)} |')
        tables.append('\n'.join(table))
    return '\n\n'.join(tables), rows


def curve_table(results, ks, metric='accuracy'):
    """Markdown table of ``metric`` at every level: the mean over seeds ±
    their standard deviation (``ddof=0``), one row per measure."""
    grid = [0] + list(ks)
    rows = [f'{METRIC_NAMES.get(metric, metric)}, mean ± standard deviation over seeds:', '',
            '| measure | ' + ' | '.join(f'{k}%' for k in grid) + ' | seeds |',
            '|---|' + '---:|' * (len(grid) + 1)]
    for measure, by_seed in results[metric].items():
        runs = _runs(by_seed, grid)
        cells = ' | '.join(f'{m:.3f} ± {d:.3f}' for m, d in zip(runs.mean(0), runs.std(0)))
        rows.append(f'| {measure} | {cells} | {len(runs)} |')
    return '\n'.join(rows)


def _runs(by_seed, grid):
    """``(seeds, levels)`` scores of one measure, ``{seed: {k: score}}``."""
    return np.array([[by_seed[s][k] for k in grid] for s in by_seed])


def _pct(value):
    return f'{100 * value:.1f}%' if np.isfinite(value) else 'n/a'


def plot_curves(results, ks, majority, path, metric='accuracy'):
    """``metric`` against the share of tokens masked: the mean over seeds
    with the seeds' standard deviation as error bars, one curve per measure."""
    grid = [0] + list(ks)
    fig, ax = plt.subplots(figsize=(6, 4))
    for measure, by_seed in results[metric].items():
        runs = _runs(by_seed, grid)
        ax.errorbar(grid, runs.mean(0), yerr=runs.std(0), marker='o', capsize=2,
                    label=measure, linestyle='--' if measure == 'random' else '-')
    if metric == 'accuracy':
        ax.axhline(majority, color='grey', linewidth=0.8, label='majority class')
    ax.set_xlabel('tokens masked (%)')
    ax.set_ylabel(METRIC_NAMES.get(metric, metric))
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def cost_table(seconds):
    """Markdown table of :meth:`RoarStudy.seconds_per_level`."""
    def fmt(value):
        return 'n/a' if value is None else f'{value:.1f}'

    rows = ['| level | trainings timed | s per training | s per importance (all splits) |',
            '|---:|---:|---:|---:|']
    rows += [f"| {k} | {c['steps']} | {fmt(c['train'])} | {fmt(c['importance'])} |"
             for k, c in seconds.items()]
    return '\n'.join(rows)
