"""The command line of tools/nlp/roar.py: a (Recursive) ROAR study."""
import os
import os.path as osp

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from input_iba.evaluation.roar import RoarStudy, racu_with_ci  # noqa: E402
from input_iba.utils import save_json, save_text, set_global_seed  # noqa: E402

from .builders import build_dataset, load_config  # noqa: E402
from .cli import resolve_device, tool_parser  # noqa: E402


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


def main(description, argv=None):
    parser = tool_parser(description)
    args = parser.parse_args(argv)
    args.device = resolve_device(args.device)
    cfg = load_config(args.config, args.cfg_options,
                      required=('model', 'data', 'measures', 'roar', 'train'))
    if 'random' not in cfg.measures:
        raise KeyError("The study needs a 'random' measure: RACU is relative to it.")
    set_global_seed(0)
    if 'num_threads' in cfg:  # e.g. 1 on a small shared CPU
        torch.set_num_threads(cfg.num_threads)
    os.makedirs(args.work_dir, exist_ok=True)
    cfg.dump(osp.join(args.work_dir, 'config.py'))
    train = build_dataset(cfg.data.train)
    datasets = dict(train=train,
                    val=build_dataset(dict(cfg.data.val, vocab=train.vocab)),
                    test=build_dataset(dict(cfg.data.test, vocab=train.vocab)))
    model = dict(cfg.model, vocab_size=len(train.vocab))
    study = RoarStudy(args.work_dir, model, datasets, cfg.measures,
                      train=cfg.train, device=args.device,
                      mask_id=train.vocab.mask_id,
                      protected_ids=(train.vocab.pad_id, ), **cfg.roar)
    results = study.run()
    majority = study.majority_accuracy()
    table, rows = summarise(results, study.ks)
    save_json(osp.join(args.work_dir, 'results.json'),
              dict(curves={m: {str(s): {str(k): v for k, v in c.items()}
                               for s, c in r.items()} for m, r in results.items()},
                   racu=rows, majority_class_accuracy=majority))
    save_text(osp.join(args.work_dir, 'racu.md'), table + '\n')
    plot_curves(results, study.ks, majority, osp.join(args.work_dir, 'roar.png'))
    print(table)
    return rows
