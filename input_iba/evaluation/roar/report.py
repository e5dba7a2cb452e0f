"""The report of a ROAR study: RACU with bootstrap intervals (a Markdown
table) and the accuracy curves."""
import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .racu import racu_with_ci  # noqa: E402


def summarise(results, ks):
    """RACU (with a 95% bootstrap interval over seeds) of every measure
    against ``random``, as a Markdown table and a dict."""
    seeds = sorted(results['random'])
    grid = [0] + list(ks)

    def runs(measure):
        return [[results[measure][s][k] for k in grid] for s in seeds]

    rows, table = {}, ['| measure | RACU | 95% CI | seeds |', '|---|---:|---:|---:|']
    for measure in results:
        if measure == 'random':
            continue
        stats = racu_with_ci(grid, runs(measure), runs('random'))
        rows[measure] = stats
        table.append(f"| {measure} | {100 * stats['racu']:.1f}% | "
                     f"[{100 * stats['ci95'][0]:.1f}%, {100 * stats['ci95'][1]:.1f}%] "
                     f'| {len(seeds)} |')
    return '\n'.join(table), rows


def plot_curves(results, ks, majority, path):
    """Test accuracy against the share of tokens masked: the mean over seeds
    with the seeds' standard deviation as error bars, one curve per measure."""
    grid = [0] + list(ks)
    fig, ax = plt.subplots(figsize=(6, 4))
    for measure, by_seed in results.items():
        runs = np.array([[by_seed[s][k] for k in grid] for s in by_seed])
        ax.errorbar(grid, runs.mean(0), yerr=runs.std(0), marker='o', capsize=2,
                    label=measure, linestyle='--' if measure == 'random' else '-')
    ax.axhline(majority, color='grey', linewidth=0.8, label='majority class')
    ax.set_xlabel('tokens masked (%)')
    ax.set_ylabel('test accuracy')
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
