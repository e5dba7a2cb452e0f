"""How many integrated-gradients points a ROAR study needs: the tokens that
IG with n Gauss-Legendre points masks, against those of IG with the
published 50, on a trained classifier of a ROAR study (its unmasked model,
``<work-dir>/seed<S>/k0/best.pth``) and the first documents of its training
split.

    python benchmarks/roar_ig_steps.py configs/roar/bilstm_attention_sst2_10_levels_cpu.py \\
        work_dirs/roar_sst2_10_levels [--seed 0] [--documents 1000] [--steps 5 10 20]

Prints, for every n and masking level, the share of the masked tokens that
both choose, and the seconds per document of each n.
"""
import argparse
import os.path as osp
import time

import torch
from mmengine.config import Config

from input_iba.apis.builders import config_adapter, with_adapter
from input_iba.datasets import Subset
from input_iba.evaluation.roar.masking import tokens_to_mask
from input_iba.evaluation.roar.study import compute_importance
from input_iba.registry import ATTRIBUTORS
from input_iba.tools.roar import build_study

LEVELS = (10, 20, 30, 50, 70, 90)


def top_sets(importance, level):
    """The positions masked at ``level`` percent (most important first)."""
    return [set(imp.argsort(descending=True, stable=True)[
        :tokens_to_mask(len(imp), level, 'quantile')].tolist()) for imp in importance]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('config')
    parser.add_argument('work_dir')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--documents', type=int, default=1000)
    parser.add_argument('--steps', type=int, nargs='+', default=[5, 10, 20])
    args = parser.parse_args()
    torch.set_num_threads(1)
    cfg = Config.fromfile(args.config)
    study = build_study(cfg, args.work_dir)
    train = study.datasets['train']
    model = study.trained_model(osp.join(args.work_dir, f'seed{args.seed}', 'k0'), args.seed)
    docs = Subset(train, range(min(args.documents, len(train))))
    adapter = config_adapter(cfg)
    importance, seconds = {}, {}
    for steps in sorted(set(args.steps) | {50}):
        attributor = ATTRIBUTORS.build(with_adapter(dict(
            type='IntegratedGradients', steps=steps, reduction='abs_sum', model=model), adapter))
        start = time.perf_counter()
        importance[steps] = compute_importance(attributor, docs, 32, args.seed, f'IG-{steps}')
        seconds[steps] = (time.perf_counter() - start) / len(docs)
    reference = {level: top_sets(importance[50], level) for level in LEVELS}
    print(f'{len(docs)} training documents, the unmasked model of seed {args.seed}')
    print('| points | s per document | ' + ' | '.join(f'{k}%' for k in LEVELS) + ' |')
    print('|---:|---:|' + '---:|' * len(LEVELS))
    for steps in sorted(importance):
        shares = []
        for level in LEVELS:
            ours = top_sets(importance[steps], level)
            both = sum(len(a & b) for a, b in zip(ours, reference[level]))
            shares.append(both / sum(len(b) for b in reference[level]))
        print(f'| {steps} | {seconds[steps]:.4f} | ' +
              ' | '.join(f'{s:.3f}' for s in shares) + ' |')


if __name__ == '__main__':
    main()
