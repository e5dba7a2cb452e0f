"""InputIBA's warm start against its full schedule: quality and cost.

For an empirical-explainer config whose ``attributor`` is an InputIBA and a
trained explainer (tools/explain_dataset.py, tools/train_explainer.py), on
the explainer's validation samples: InputIBA started from the explainer's
prediction (``init='amortised'``) with k = 0, 3, 10, ... input steps, and
the full schedule run again with another seed (the teacher's own
seed-to-seed spread). Each against the stored masks of the full schedule
(seed of the config): Spearman rho and MSE per sample (mean and 95% CI; every
map divided by its largest absolute value, as the explainer's targets are)
and CPU seconds per sample, side by side in one process::

    python -m benchmarks.quality.warm_start configs/empirical_explainer/input_iba_minilm_sst2.py \\
        --work-dir work_dirs/ee_input_iba_minilm_corr --steps 0 3 10 --num-samples 100
"""
import json
import os.path as osp
import time

import numpy as np
from mmengine.config import Config

from benchmarks.common import benchmark_parser, parse_args
from input_iba.apis.builders import (
    build_attributor,
    config_adapter,
    prepare_statistics,
    with_adapter,
)
from input_iba.empirical_explainer.evaluation import attribute_samples, sample_mse, sample_spearman
from input_iba.empirical_explainer.targets import load_explainer_data
from input_iba.evaluation.base import mean_ci
from input_iba.utils import save_json

#: the seed of the teacher's rerun (its seed-to-seed spread)
OTHER_SEED = 1


def warm_started(cfg, model, adapter, checkpoint: str, steps: int, **stages):
    """The config's InputIBA started from the prediction of the explainer
    in ``checkpoint`` (``init='amortised'``), refined for ``steps`` input
    steps; ``stages`` override stage settings first (e.g. a smoke schedule)."""
    explainer = dict(with_adapter(cfg.explainer, adapter), checkpoint=checkpoint)
    explainer.pop('adapter')
    warm = dict(cfg.attributor.to_dict(), **stages, init='amortised', explainer=explainer)
    warm['input_iba'] = dict(warm.get('input_iba') or {}, steps=steps)
    return build_attributor(warm, model, adapter)


def score(name, maps, seconds, targets):
    """One row: rho and MSE against the stored (normalised) targets, each
    map divided by its own largest absolute value, and the cost."""
    own = {i: m / (np.abs(m).max() or 1.0) for i, m in maps.items()}
    return dict(name=name, seconds_per_sample=seconds,
                spearman=mean_ci(list(sample_spearman(maps, targets).values())),
                mse=mean_ci(list(sample_mse(own, targets).values())))


def timed(attributor, dataset, indices, classes, seed, batch_size):
    start = time.process_time()
    maps = attribute_samples(attributor, dataset, indices, classes, seed, batch_size)
    return maps, (time.process_time() - start) / len(indices)


def main(argv=None):
    parser = benchmark_parser(__doc__, config=True, threads=True, device=True,
                              work_dir='the trained explainer (explainer.pth, split.json); '
                                       'warm_start.json goes there',
                              smoke='2 validation samples, k = 0 and 1')
    parser.add_argument('--steps', type=int, nargs='+', default=[0, 3, 10],
                        help='input-stage steps of the warm start (default 0 3 10)')
    parser.add_argument('--num-samples', type=int, default=100,
                        help='validation samples (default 100)')
    parser.add_argument('--batch-size', type=int, default=1)
    args = parse_args(parser, argv)
    cfg = Config.fromfile(args.config)
    steps = [0, 1] if args.smoke else args.steps
    with open(osp.join(args.work_dir, 'split.json')) as f:
        val = json.load(f)['val'][:2 if args.smoke else args.num_samples]
    model, dataset, targets, _, records = load_explainer_data(cfg, args.device)
    classes = {i: records[i]['target'] for i in val}
    adapter = config_adapter(cfg)
    seed = cfg.get('seed', 0)
    teacher = build_attributor(cfg.attributor, model, adapter)
    prepare_statistics(cfg, teacher, cfg.targets_dir)
    rows = []
    maps, seconds = timed(teacher, dataset, val, classes, OTHER_SEED, args.batch_size)
    rows.append(score(f'full schedule, seed {OTHER_SEED}', maps, seconds, targets))
    for k in steps:
        warm = warm_started(cfg, model, adapter, osp.join(args.work_dir, 'explainer.pth'), k)
        maps, seconds = timed(warm, dataset, val, classes, seed, args.batch_size)
        rows.append(score(f'warm start, {k} input steps', maps, seconds, targets))
    report = dict(config=args.config, samples=len(val), rows=rows)
    save_json(osp.join(args.work_dir, 'warm_start.json'), report)
    print('| against the full schedule (seed %d) | Spearman rho | MSE | CPU s / sample |' % seed)
    print('|---|---:|---:|---:|')
    for r in rows:
        rho, mse = r['spearman'], r['mse']
        print(f"| {r['name']} | {rho['mean']:.3f} ± {rho['mean'] - rho['ci95'][0]:.3f} | "
              f"{mse['mean']:.4f} | {r['seconds_per_sample']:.2f} |")
    return report


if __name__ == '__main__':
    main()
